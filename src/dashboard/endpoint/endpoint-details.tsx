import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Endpoint } from '../api/types';
import { useAction, useApi, useLoad } from '../hooks';
import { link, navigate } from '../router';
import { AppHeader } from '../ui/app-header';
import { formatTime, endpointLabel } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { AttemptsLog } from './attempts-log';
import { PendingDeliveries } from './pending-deliveries';
import { RecoverPanel } from './recover-panel';
import { TestEventPanel } from './test-event-panel';
import { SecretPanel } from './secret-panel';
import { StatsChart } from './stats-chart';
import { TlsWarning } from './tls-warning';
import { FilterSummary } from './filter-summary';
import { useCan } from '../api/portal-scope';
import { VerifyPanel } from '../verify/verify-panel';

/** One endpoint: its settings at a glance, secret, test, health over 24 h and every attempt. */
export function EndpointDetails({ appId, endpointId }: { appId: string; endpointId: string }) {
  const api = useApi();
  const path = `/apps/${seg(appId)}/endpoints/${seg(endpointId)}`;
  const loaded = useLoad(() => api.get<Endpoint>(path), [appId, endpointId]);
  const toggle = useAction(async (disabled: boolean) => {
    await api.patch<Endpoint>(path, { disabled });
    await loaded.reload();
  });
  const remove = useAction(async () => {
    await api.delete(path);
    navigate(link('apps', appId));
  });
  const ep = loaded.data;
  const [latest, setLatest] = useState<string>();
  // A scoped portal link sees only the controls it may use (api/portal-scope.tsx).
  const canWrite = useCan('endpoints:write');
  const canReveal = useCan('secrets:read');
  const canRotate = useCan('secrets:rotate');
  const canRecover = useCan('recover');

  return (
    <section>
      <AppHeader appId={appId} section="endpoints" trail={[{ label: ep ? endpointLabel(ep) : endpointId }]} />
      <ErrorNote error={loaded.error} />
      {loaded.loading && <Loading what="the endpoint" />}
      {ep && (
        <>
          <div class="title-row">
            <h1 class="break">{endpointLabel(ep)}</h1>
            {canWrite && <div class="row">
              <a class="button" href={link('apps', appId, 'endpoints', endpointId, 'edit')}>
                Edit
              </a>
              <button type="button" onClick={() => void toggle.run(!ep.disabled)} disabled={toggle.busy}>
                {ep.disabled ? 'Enable' : 'Disable'}
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => confirm(`Delete the endpoint ${endpointLabel(ep)}? Its attempts are deleted too.`) && void remove.run()}
                disabled={remove.busy}
              >
                Delete
              </button>
            </div>}
          </div>
          <ErrorNote error={toggle.error ?? remove.error} />
          {ep.description && <p>{ep.description}</p>}
          <TlsWarning endpoint={ep} />
          <dl class="summary">
            <div><dt>Payload URL</dt><dd class="mono break">{ep.url}</dd></div>
            <div><dt>Status</dt><dd>{ep.disabled ? <span class="badge badge-failed">disabled</span> : <span class="badge badge-success">enabled</span>}</dd></div>
            <div><dt>Events</dt><dd class="mono">{ep.eventTypes.length ? ep.eventTypes.join(', ') : 'everything'}</dd></div>
            {ep.entityTypes.length > 0 && <div><dt>Entity types</dt><dd class="mono">{ep.entityTypes.join(', ')}</dd></div>}
            {ep.channels.length > 0 && <div><dt>Channels</dt><dd class="mono">{ep.channels.join(', ')}</dd></div>}
            <FilterSummary endpoint={ep} />
            <div><dt>Request</dt><dd>{ep.method} · {ep.payloadFormat} · timeout {ep.timeout}</dd></div>
            <div><dt>Signature</dt><dd>{ep.signature.scheme}{ep.signature.header ? ` (${ep.signature.header})` : ''}</dd></div>
            {ep.tls && <div><dt>TLS</dt><dd>{[ep.tls.ca && 'custom CA', ep.tls.cert && 'client certificate', ep.tls.insecureSkipVerify && 'verification skipped'].filter(Boolean).join(', ') || 'default'}</dd></div>}
            <div><dt>Created</dt><dd>{formatTime(ep.createdAt)}</dd></div>
          </dl>
          <div class="grid-2">
            {(canReveal || canRotate) && <SecretPanel appId={appId} endpointId={endpointId} />}
            {canWrite && <TestEventPanel appId={appId} endpointId={endpointId} eventTypes={ep.eventTypes} />}
          </div>
          <VerifyPanel signature={ep.signature} />
          <StatsChart appId={appId} endpointId={endpointId} latestAttempt={latest} />
          <PendingDeliveries appId={appId} endpointId={endpointId} />
          <AttemptsLog appId={appId} endpointId={endpointId} onLatest={setLatest} />
          {canRecover && <RecoverPanel appId={appId} endpointId={endpointId} />}
        </>
      )}
    </section>
  );
}
