import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { IssuedOperatorTokenOut, OperatorTokenOut, PageOut } from '../../sdk/client-types.js';
import { useAction, useApi } from '../hooks';
import { usePaged } from '../paged';
import { CopyButton } from '../ui/copy-button';
import { formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { RevokeCell } from '../ui/revoke-cell';

const ROLES = [
  { value: 'viewer', label: 'Viewer', hint: 'reads everything except secrets' },
  { value: 'operator', label: 'Operator', hint: 'also resends, recovers, enables and disables endpoints' },
  { value: 'admin', label: 'Admin', hint: 'everything' },
] as const;
type Role = (typeof ROLES)[number]['value'];

/** Lifetimes offered in the form, in seconds; '' keeps the token until it is revoked. */
const LIFETIMES = [
  { value: '', label: 'Never (until revoked)' },
  { value: String(86_400), label: '1 day' },
  { value: String(30 * 86_400), label: '30 days' },
  { value: String(90 * 86_400), label: '90 days' },
  { value: String(365 * 86_400), label: '1 year' },
];

/**
 * Named operator tokens (docs/operators.md): one per person or tool, each with a role, so the audit
 * log says who did what. A new token is shown once (Herald keeps only its hash); revoking asks first.
 */
export function OperatorsScreen() {
  const api = useApi();
  const [version, setVersion] = useState(0);
  const list = usePaged((iterator) => api.get<PageOut<OperatorTokenOut>>('/tokens', { limit: 50, iterator }), [version]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [lifetime, setLifetime] = useState('');
  const [issued, setIssued] = useState<IssuedOperatorTokenOut | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const create = useAction(async () => {
    const body = { name: name.trim(), role, ...(lifetime ? { expiresIn: Number(lifetime) } : {}) };
    setIssued(await api.post<IssuedOperatorTokenOut>('/tokens', body));
    setName('');
    setVersion((v) => v + 1);
  });
  const revoke = useAction(async (id: string) => {
    await api.delete(`/tokens/${seg(id)}`);
    setConfirming(null);
    if (issued?.id === id) setIssued(null);
    setVersion((v) => v + 1);
  });

  return (
    <section>
      <h1>Operators</h1>
      <p class="muted">Named tokens for the people and tools that run Herald. Every change they make is in the audit log under their name.</p>
      <form class="card" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
        <h2>New operator token</h2>
        <div class="row align-end">
          <div class="field">
            <label for="operator-name">Name</label>
            <input id="operator-name" required value={name} placeholder="e.g. alice, grafana" onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="operator-role">Role</label>
            <select id="operator-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}: {r.hint}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="operator-expiry">Expires</label>
            <select id="operator-expiry" value={lifetime} onChange={(e) => setLifetime(e.currentTarget.value)}>
              {LIFETIMES.map((l) => <option key={l.value} value={l.value}>{l.label}</option>)}
            </select>
          </div>
          <button type="submit" class="primary" disabled={create.busy || !name.trim()}>Create token</button>
        </div>
        <ErrorNote error={create.error} />
      </form>
      {issued && (
        <div class="note" role="status">
          <p><strong>Copy the token for {issued.name} now:</strong> it is shown only once.</p>
          <div class="token-once">
            <code id="new-operator-token" class="mono">{issued.token}</code>
            <CopyButton text={issued.token} label="Copy token" />
            <button type="button" onClick={() => setIssued(null)}>Done</button>
          </div>
        </div>
      )}
      <h2>Tokens</h2>
      <ErrorNote error={list.error ?? revoke.error} />
      {list.loading && <Loading what="operator tokens" />}
      {!list.loading && list.items.length === 0 && <p class="muted">No operator tokens yet: the admin token is the only one.</p>}
      {list.items.length > 0 && (
        <table class="tokens-table operators-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((t) => (
              <tr key={t.id} data-token-id={t.id}>
                <td>{t.name} <span class="mono small muted">{t.id}</span></td>
                <td>{t.role}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
                <RevokeCell name={t.name} asking={confirming === t.id} busy={revoke.busy} ask={() => setConfirming(t.id)} cancel={() => setConfirming(null)} revoke={() => void revoke.run(t.id)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>Load more tokens</button>}
    </section>
  );
}
