import { useState } from 'preact/hooks';
import { ApiClient, ApiRequestError } from '../api/client';
import { controlProps, Field } from '../ui/field';

/** Paste the admin token. It is checked against the API before the session starts. */
export function Login({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = token.trim();
    if (!trimmed) return setError('Paste the admin token first.');
    setBusy(true);
    setError(null);
    try {
      // The apps list needs the admin token: an app token is told so here, not on the next screen.
      await new ApiClient({ kind: 'admin', token: trimmed }, () => {}).get('/apps', { limit: 1 });
      onSignedIn(trimmed);
    } catch (err) {
      const status = err instanceof ApiRequestError ? err.status : 0;
      setError(
        status === 401 ? 'Herald does not know this token.'
          : status === 403 ? 'This is an app token: tenants sign in through a portal link instead.'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>Herald</h1>
      <p class="muted">Webhook delivery dashboard</p>
      {notice && <p class="note note-info" role="status">{notice}</p>}
      <form onSubmit={submit} class="card" novalidate>
        <Field
          id="admin-token"
          label="Admin token"
          hint="Printed by `herald serve` on first start and saved in <data-dir>/admin-token; or a named operator token (hrld_op_…). Kept for this tab only."
          error={error}
        >
          <input
            {...controlProps('admin-token', error, true)}
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            autoFocus
          />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
