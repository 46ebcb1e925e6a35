import { useState } from 'preact/hooks';
import type { AuditEntryOut, PageOut } from '../../sdk/client-types.js';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';

interface Filters {
  token: string;
  app: string;
  action: string;
  since: string;
}
const NO_FILTERS: Filters = { token: '', app: '', action: '', since: '' };

const who = (e: AuditEntryOut): string =>
  e.token.kind === 'admin' ? 'admin token' : e.token.kind === 'operator' ? `${e.token.name} (${e.token.role})` : `${e.token.kind} token ${e.token.name ?? e.token.id}`;

/** A `datetime-local` value (the browser's zone) as the ISO time the API takes; '' when empty or unreadable. */
function isoOf(local: string): string {
  const ms = local ? Date.parse(local) : NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** Who changed what (docs/operators.md): every state-changing call, newest first, with filters. */
export function AuditLogScreen() {
  const api = useApi();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const list = usePaged(
    (iterator) => api.get<PageOut<AuditEntryOut>>('/audit-log', { limit: 50, iterator, token: applied.token, app: applied.app, action: applied.action, since: isoOf(applied.since) }),
    [applied.token, applied.app, applied.action, applied.since],
  );
  const field = (key: keyof Filters, label: string, placeholder: string, type = 'text') => (
    <div class="field">
      <label for={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type} value={draft[key]} placeholder={placeholder} onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
    </div>
  );

  return (
    <section>
      <h1>Audit log</h1>
      <p class="muted">One entry per change made through the API, by whom, with its outcome. Ids only: no payloads, no secrets. Kept as long as message payloads.</p>
      <form class="card row align-end" aria-label="Filter the audit log" onSubmit={(e) => { e.preventDefault(); setApplied({ ...draft }); }}>
        {field('token', 'Token', 'name or id')}
        {field('app', 'App', 'id or uid')}
        {field('action', 'Action', 'e.g. endpoints.disable')}
        {field('since', 'Since', '', 'datetime-local')}
        <button type="submit" class="primary">Filter</button>
        <button type="button" onClick={() => { setDraft(NO_FILTERS); setApplied(NO_FILTERS); }}>Clear</button>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && <Loading what="the audit log" />}
      {!list.loading && !list.error && list.items.length === 0 && <p class="muted">No entries match.</p>}
      {list.items.length > 0 && (
        <table class="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Targets</th>
              <th scope="col">Outcome</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.id} data-audit-id={e.id}>
                <td>{formatTime(e.at)}</td>
                <td>{who(e)}</td>
                <td><span class="mono">{e.action}</span> <span class="small muted">{e.method} {e.route.replace(/^\/api\/v1/, '')}</span></td>
                <td class="mono small">{Object.entries(e.targets).map(([k, v]) => `${k} ${v}`).join(', ')}</td>
                <td>{e.status} {e.outcome}</td>
                <td class="mono small">{e.requestId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>Load more entries</button>}
    </section>
  );
}
