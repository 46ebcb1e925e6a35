import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { App } from '../api/types';
import { useApi, useLoad } from '../hooks';
import { ErrorNote, StatusNote } from '../ui/notes';

/**
 * Admin only: the app's HTTPS-only switch (`requireHttps`). Switching it on is refused while an
 * endpoint of the app still uses http://; the API's answer names them, and is shown as it is.
 */
export function HttpsOnlySetting({ appId }: { appId: string }) {
  const api = useApi();
  const app = useLoad(() => api.get<App>(`/apps/${seg(appId)}`), [appId]);
  const [on, setOn] = useState(false);
  const [stored, setStored] = useState<boolean | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // Disabled until the app has loaded: the loaded value would replace what was clicked.
  useEffect(() => {
    if (!app.data) return;
    setOn(app.data.requireHttps);
    setStored(app.data.requireHttps);
  }, [app.data?.requireHttps]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const updated = await api.patch<App>(`/apps/${seg(appId)}`, { requireHttps: on });
      setStored(updated.requireHttps);
      setSaved(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} novalidate>
      <h3>HTTPS only</h3>
      <label class="switch">
        <input type="checkbox" role="switch" id="app-require-https" checked={on} disabled={stored === null}
          aria-describedby="app-require-https-hint" onChange={(ev) => { setOn(ev.currentTarget.checked); setSaved(false); }} />
        <span>Endpoints must use https:// URLs</span>
      </label>
      <p class="muted" id="app-require-https-hint">
        New or changed endpoint URLs starting with http:// are refused. It can be switched on only once no endpoint of this app uses http://.
      </p>
      <button type="submit" disabled={busy || stored === null || on === stored}>Save HTTPS setting</button>
      <ErrorNote error={error} />
      {saved && <StatusNote>{stored ? 'This app now accepts https:// endpoints only.' : 'http:// endpoints are allowed again.'}</StatusNote>}
    </form>
  );
}
