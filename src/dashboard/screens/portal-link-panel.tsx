import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { PortalLink } from '../api/types';
import { useAction, useApi } from '../hooks';
import { formatTime } from '../ui/format';
import { ErrorNote } from '../ui/notes';
import { EmbedSnippet } from '../embed/embed-panel';

/**
 * Admin only: a short-lived link that opens this dashboard scoped to one app, for the tenant to
 * manage their own endpoints. The link carries a token, so it is shown once, not stored.
 */
export function PortalLinkPanel({ appId }: { appId: string }) {
  const api = useApi();
  const [portal, setPortal] = useState<PortalLink | null>(null);
  const [hours, setHours] = useState('1');
  const create = useAction(async () => {
    setPortal(await api.post<PortalLink>(`/apps/${seg(appId)}/portal-link`, { expiresIn: Math.round(Number(hours) * 3600) }));
  });

  return (
    <section class="card" aria-labelledby="portal-title">
      <h2 id="portal-title">Tenant portal</h2>
      <p class="muted">A link that lets this customer manage their own endpoints and see their deliveries, and nothing else.</p>
      <div class="row align-end">
        <div class="field">
          <label for="portal-hours">Valid for</label>
          <select id="portal-hours" value={hours} onChange={(e) => setHours(e.currentTarget.value)}>
            <option value="0.25">15 minutes</option>
            <option value="1">1 hour</option>
            <option value="24">24 hours (the longest)</option>
          </select>
        </div>
        <button type="button" onClick={() => void create.run()} disabled={create.busy}>
          Create portal link
        </button>
      </div>
      <ErrorNote error={create.error} />
      {portal && (
        <div class="field">
          <label for="portal-url">Portal link (expires {portal.expiresAt ? formatTime(portal.expiresAt) : 'never'})</label>
          <div class="row">
            <input id="portal-url" class="mono grow" readOnly value={portal.url} onFocus={(e) => e.currentTarget.select()} />
            <a class="button" href={portal.url} target="_blank" rel="noopener noreferrer">
              Open
            </a>
          </div>
        </div>
      )}
      {portal && <EmbedSnippet portal={portal} />}
    </section>
  );
}
