import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Attempt, Endpoint, Page } from '../api/types';
import type { MessageWithDelivery as Message } from '../api/delivery-types';
import { useAction, useApi, useLoad } from '../hooks';
import { AttemptDetail } from '../endpoint/attempt-detail';
import { ATTEMPTS_POLL_MS } from '../endpoint/attempts-log';
import { link } from '../router';
import { AppHeader } from '../ui/app-header';
import { endpointLabel, formatLatency, formatTime } from '../ui/format';
import { ErrorNote, Loading, StatusNote } from '../ui/notes';
import { StatusBadge } from '../ui/status-badge';
import { dataText } from '../../wire/raw-json';
import { useCan } from '../api/portal-scope';
import { prettyJsonText } from './pretty-json';
import { DeliveryTable } from './delivery-table';

/** One message: its payload, and for each endpoint that received it, every attempt. */
export function MessageDetail({ appId, msgId }: { appId: string; msgId: string }) {
  const api = useApi();
  const base = `/apps/${seg(appId)}`;
  // Read as text: the payload is shown as published, which JSON.parse would change (big integers, 1.0).
  const msg = useLoad(async () => {
    const text = await api.getText(`${base}/messages/${seg(msgId)}`);
    return { ...(JSON.parse(text) as Message), dataText: dataText(text) ?? 'null' };
  }, [appId, msgId], ATTEMPTS_POLL_MS);
  const attempts = useLoad(() => api.get<Page<Attempt>>(`${base}/messages/${seg(msgId)}/attempts`, { limit: 250 }), [appId, msgId], ATTEMPTS_POLL_MS);
  // Endpoint names only: a link without endpoints:read shows their ids instead of a 403.
  const canReadEndpoints = useCan('endpoints:read');
  const endpoints = useLoad(
    () => (canReadEndpoints ? api.get<Page<Endpoint>>(`${base}/endpoints`, { limit: 250 }) : Promise.resolve({ data: [] as Endpoint[] })),
    [appId, canReadEndpoints],
  );

  const byEndpoint = new Map<string, Attempt[]>();
  for (const a of attempts.data?.data ?? []) byEndpoint.set(a.endpointId, [...(byEndpoint.get(a.endpointId) ?? []), a]);
  const names = new Map((endpoints.data?.data ?? []).map((e) => [e.id, endpointLabel(e)]));
  const m = msg.data;

  return (
    <section>
      <AppHeader appId={appId} section="messages" trail={[{ href: link('apps', appId, 'messages'), label: 'Messages' }, { label: msgId }]} />
      <ErrorNote error={msg.error} />
      {msg.loading && <Loading what="the message" />}
      {m && (
        <>
          <h1 class="break"><span class="mono">{m.eventType}</span></h1>
          <dl class="summary">
            <div><dt>Message id</dt><dd class="mono break">{m.id}</dd></div>
            <div><dt>Created</dt><dd>{formatTime(m.createdAt)}</dd></div>
            {m.entity && <div><dt>Entity</dt><dd class="mono">{m.entity.type} {String(m.entity.id)}</dd></div>}
            {m.idempotencyKey && <div><dt>Idempotency key</dt><dd class="mono break">{m.idempotencyKey}</dd></div>}
            {m.eventId && <div><dt>Event id (publisher's)</dt><dd class="mono break">{m.eventId}</dd></div>}
            {m.timestamp && <div><dt>Event time (publisher's)</dt><dd class="mono">{m.timestamp}</dd></div>}
          </dl>
          <h2>Payload</h2>
          <pre class="body" tabIndex={0} aria-label="Message payload">{prettyJsonText(m.dataText)}</pre>
          <h2>Delivery state</h2>
          <DeliveryTable delivery={m.delivery} names={names} />
          <h2>Attempts</h2>
          <ErrorNote error={attempts.error} />
          {attempts.data && byEndpoint.size === 0 && <p class="muted">No attempts yet (no endpoint matched, or delivery has not started).</p>}
          {[...byEndpoint].map(([endpointId, list]) => (
            <EndpointDeliveries key={endpointId} appId={appId} msgId={msgId} endpointId={endpointId} name={names.get(endpointId) ?? endpointId} attempts={list} />
          ))}
        </>
      )}
    </section>
  );
}

function EndpointDeliveries({ appId, msgId, endpointId, name, attempts }: { appId: string; msgId: string; endpointId: string; name: string; attempts: Attempt[] }) {
  const api = useApi();
  const [openId, setOpenId] = useState<string | null>(null);
  const resend = useAction(() => api.post(`/apps/${seg(appId)}/messages/${seg(msgId)}/endpoints/${seg(endpointId)}/resend`));
  const canResend = useCan('messages:resend');
  const latest = attempts[0]!;
  return (
    <section class="card" aria-label={`Deliveries to ${name}`}>
      <div class="title-row">
        <h3 class="break">
          <a href={link('apps', appId, 'endpoints', endpointId)}>{name}</a> <StatusBadge status={latest.status} code={latest.responseStatus} />
        </h3>
        {canResend && (
          <button type="button" onClick={() => void resend.run()} disabled={resend.busy}>
            Resend
          </button>
        )}
      </div>
      <ErrorNote error={resend.error}>Could not resend: </ErrorNote>
      {resend.succeeded && <StatusNote>Queued for delivery again.</StatusNote>}
      <ul class="attempt-list">
        {attempts.map((a) => (
          <li key={a.id}>
            <button type="button" class="link-button" aria-expanded={openId === a.id} onClick={() => setOpenId(openId === a.id ? null : a.id)}>
              #{a.attempt} · {formatTime(a.createdAt)}
            </button>{' '}
            <StatusBadge status={a.status} code={a.responseStatus} /> {formatLatency(a.durationMs)}
            {a.reason && <span class="attempt-reason"> · {a.reason}</span>}
            {openId === a.id && <AttemptDetail appId={appId} attempt={a} onClose={() => setOpenId(null)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
