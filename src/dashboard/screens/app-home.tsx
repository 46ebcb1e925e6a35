import { seg } from '../api/client';
import type { Endpoint, Page } from '../api/types';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { link } from '../router';
import { AppHeader } from '../ui/app-header';
import { ErrorNote, Loading } from '../ui/notes';
import { PortalLinkPanel } from './portal-link-panel';
import { EmbedPanel } from '../embed/embed-panel';
import { BrandingPanel } from './branding-panel';
import { useCan } from '../api/portal-scope';
import { useState } from 'preact/hooks';
import { AppSettingsPanel } from '../app-admin/app-settings-panel';
import { AppTokensPanel } from '../app-admin/app-tokens-panel';
import { TlsWarningBadge } from '../endpoint/tls-warning';

/** One app: its endpoints, and for admins the portal link to hand to the tenant. */
export function AppHome({ appId }: { appId: string }) {
  const api = useApi();
  const canWrite = useCan('endpoints:write');
  const canRead = useCan('endpoints:read');
  // Bumped on a rename, so the header (which loads the app itself) shows the new name.
  const [renamed, setRenamed] = useState(0);
  const list = usePaged(
    (iterator) => (canRead ? api.get<Page<Endpoint>>(`/apps/${seg(appId)}/endpoints`, { limit: 50, iterator }) : Promise.resolve({ data: [], iterator: null, done: true })),
    [appId, canRead],
  );

  return (
    <section>
      <AppHeader key={renamed} appId={appId} section="endpoints" />
      <div class="title-row">
        <h1>Endpoints</h1>
        {canWrite && (
          <a class="button primary" href={link('apps', appId, 'endpoints', 'new')}>
            Add endpoint
          </a>
        )}
      </div>
      <ErrorNote error={list.error} />
      {list.loading && <Loading what="endpoints" />}
      {!canRead && <p class="muted">This link does not show endpoints.</p>}
      {canRead && !list.loading && list.items.length === 0 && <p class="muted">No endpoints yet. Add one to start receiving webhooks.</p>}
      <ul class="card-list">
        {list.items.map((ep) => (
          <li key={ep.id} class="card endpoint-card">
            <a href={link('apps', appId, 'endpoints', ep.id)} class="card-title">
              {ep.name || ep.url}
            </a>
            {ep.name && <span class="mono small break">{ep.url}</span>}
            <span class="small">
              {ep.disabled ? <span class="badge badge-failed">disabled</span> : <span class="badge badge-success">enabled</span>}{' '}
              <TlsWarningBadge endpoint={ep} />{ep.tls?.insecureSkipVerify ? ' ' : ''}
              {ep.method} · {ep.eventTypes.length ? ep.eventTypes.join(', ') : 'all events'}
            </span>
          </li>
        ))}
      </ul>
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load more endpoints
        </button>
      )}
      {api.isAdmin && <PortalLinkPanel appId={appId} />}
      {api.isAdmin && <EmbedPanel appId={appId} />}
      {api.isAdmin && <BrandingPanel appId={appId} />}
      {api.isAdmin && <AppTokensPanel appId={appId} />}
      {api.isAdmin && <AppSettingsPanel appId={appId} onRenamed={() => setRenamed((n) => n + 1)} />}
    </section>
  );
}
