import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { App } from '../api/types';
import { useApi, useLoad } from '../hooks';
import { navigate } from '../router';
import { controlProps, Field } from '../ui/field';
import { toFieldErrors, type FieldErrors } from '../ui/field-errors';
import { ErrorNote } from '../ui/notes';
import { appSentence } from './app-errors';
import { HttpsOnlySetting } from './https-only-setting';

/**
 * Admin only: rename the app, or delete it with everything in it. Deleting asks first, naming
 * the app, because it cannot be undone (endpoints, messages and tokens go with it).
 */
export function AppSettingsPanel({ appId, onRenamed }: { appId: string; onRenamed: () => void }) {
  const api = useApi();
  const app = useLoad(() => api.get<App>(`/apps/${seg(appId)}`), [appId]);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<Error | null>(null);
  // The field is read-only until the app has loaded: the loaded name would replace what was typed.
  useEffect(() => setName(app.data?.name ?? ''), [app.data?.name]);

  const rename = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    try {
      await api.patch<App>(`/apps/${seg(appId)}`, { name: name.trim() });
      setErrors({ fields: {}, form: null });
      setSaved(true);
      onRenamed();
    } catch (err) {
      setErrors(toFieldErrors(err, ['name'], () => null, appSentence));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setDeleteError(null);
    try {
      await api.delete(`/apps/${seg(appId)}`);
      navigate('#/apps');
    } catch (err) {
      setDeleteError(err as Error);
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="app-settings-title">
      <h2 id="app-settings-title">App settings</h2>
      <form onSubmit={rename} novalidate class="row align-end">
        <Field id="app-rename" label="App name" error={errors.fields.name}>
          <input {...controlProps('app-rename', errors.fields.name)} value={name} readOnly={app.loading} onInput={(e) => { setName(e.currentTarget.value); setSaved(false); }} />
        </Field>
        <button type="submit" disabled={busy || !app.data || name.trim() === app.data.name}>
          Rename
        </button>
      </form>
      {errors.form && <p class="note note-error" role="alert">{errors.form}</p>}
      {saved && <p class="muted" role="status">Renamed.</p>}
      <HttpsOnlySetting appId={appId} />
      <h3>Delete this app</h3>
      <p class="muted">Its endpoints, messages, delivery history and tokens are deleted with it. This cannot be undone.</p>
      {!confirming ? (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete app…
        </button>
      ) : (
        <div class="note note-error" role="alertdialog" aria-labelledby="delete-app-question">
          <p id="delete-app-question">Delete “{app.data?.name ?? appId}” and everything in it?</p>
          <div class="row">
            <button type="button" class="danger" onClick={() => void remove()} disabled={busy}>
              Delete permanently
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={deleteError} />
    </section>
  );
}
