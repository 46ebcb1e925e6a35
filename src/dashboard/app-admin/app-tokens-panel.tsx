import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { IssuedToken, Page, Token } from '../api/types';
import { useAction, useApi } from '../hooks';
import { usePaged } from '../paged';
import { CopyButton } from '../ui/copy-button';
import { formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { RevokeCell } from '../ui/revoke-cell';

const KIND_LABEL: Record<string, string> = { api: 'API token', portal: 'Portal link' };

/**
 * Admin only: the app's tokens. A new token is shown once (Herald keeps only its hash), with a
 * copy button; revoking asks first, since whatever uses the token stops working at once.
 */
export function AppTokensPanel({ appId }: { appId: string }) {
  const api = useApi();
  const [version, setVersion] = useState(0);
  const list = usePaged((iterator) => api.get<Page<Token>>(`/apps/${seg(appId)}/tokens`, { limit: 50, iterator }), [appId, version]);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const create = useAction(async () => {
    setIssued(await api.post<IssuedToken>(`/apps/${seg(appId)}/tokens`, name.trim() ? { name: name.trim() } : {}));
    setName('');
    setVersion((v) => v + 1);
  });
  const revoke = useAction(async (id: string) => {
    await api.delete(`/apps/${seg(appId)}/tokens/${seg(id)}`);
    setConfirming(null);
    if (issued?.id === id) setIssued(null);
    setVersion((v) => v + 1);
  });

  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">App tokens</h2>
      <p class="muted">For this customer's own backend: a token that can publish and manage this app only.</p>
      <form class="row align-end" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
        <div class="field">
          <label for="token-name">Token name (optional)</label>
          <input id="token-name" value={name} placeholder="e.g. billing backend" onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={create.busy}>
          Create token
        </button>
      </form>
      <ErrorNote error={create.error} />
      {issued && (
        <div class="note" role="status">
          <p>
            <strong>Copy this token now:</strong> it is shown only once.
          </p>
          <div class="token-once">
            <code id="new-token" class="mono">{issued.token}</code>
            <CopyButton text={issued.token} label="Copy token" />
            <button type="button" onClick={() => setIssued(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={list.error ?? revoke.error} />
      {list.loading && <Loading what="tokens" />}
      {!list.loading && list.items.length === 0 && <p class="muted">No tokens yet.</p>}
      {list.items.length > 0 && (
        <table class="tokens-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((t) => (
              <tr key={t.id} data-token-id={t.id}>
                <td>{t.name ?? <span class="muted">unnamed</span>} <span class="mono small muted">{t.id}</span></td>
                <td>{KIND_LABEL[t.kind] ?? t.kind}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
                <RevokeCell name={t.name ?? t.id} asking={confirming === t.id} busy={revoke.busy} ask={() => setConfirming(t.id)} cancel={() => setConfirming(null)} revoke={() => void revoke.run(t.id)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load more tokens
        </button>
      )}
    </section>
  );
}
