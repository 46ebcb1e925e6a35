import { useState } from 'preact/hooks';
import type { App, Page } from '../api/types';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { link, navigate } from '../router';
import { controlProps, Field } from '../ui/field';
import { toFieldErrors, type FieldErrors } from '../ui/field-errors';
import { formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { appSentence } from '../app-admin/app-errors';

/** Admin home: every app (tenant), and a form to add one. */
export function AppsList() {
  const api = useApi();
  const list = usePaged((iterator) => api.get<Page<App>>('/apps', { limit: 50, iterator }), []);

  return (
    <section>
      <h1>Apps</h1>
      <p class="muted">One app per customer of your product; each has its own endpoints and messages.</p>
      <CreateApp onCreated={(app) => navigate(link('apps', app.id))} />
      <h2>All apps</h2>
      <ErrorNote error={list.error} />
      {list.loading && <Loading what="apps" />}
      {!list.loading && list.items.length === 0 && <p class="muted">No apps yet: create the first one above.</p>}
      <ul class="card-list">
        {list.items.map((app) => (
          <li key={app.id} class="card">
            <a href={link('apps', app.id)} class="card-title">{app.name}</a>
            <span class="mono small">{app.uid ?? app.id}</span>
            <span class="muted small">created {formatTime(app.createdAt)}</span>
          </li>
        ))}
      </ul>
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load more apps
        </button>
      )}
    </section>
  );
}

function CreateApp({ onCreated }: { onCreated: (app: App) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [uid, setUid] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      onCreated(await api.post<App>('/apps', { name, ...(uid.trim() ? { uid: uid.trim() } : {}) }));
    } catch (err) {
      setErrors(toFieldErrors(err, ['name', 'uid'], (code) => (code === 'conflict' ? 'uid' : null), appSentence));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-inline" onSubmit={submit} novalidate aria-labelledby="create-app-title">
      <h2 id="create-app-title">Create an app</h2>
      {errors.form && <p class="note note-error" role="alert">{errors.form}</p>}
      <div class="row">
        <Field id="app-name" label="Name" error={errors.fields.name}>
          <input {...controlProps('app-name', errors.fields.name)} value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </Field>
        <Field id="app-uid" label="Your id for it (optional)" hint="e.g. your customer id; usable in API paths instead of app_…" error={errors.fields.uid}>
          <input {...controlProps('app-uid', errors.fields.uid, true)} value={uid} onInput={(e) => setUid(e.currentTarget.value)} />
        </Field>
      </div>
      <button type="submit" class="primary" disabled={busy}>
        Create app
      </button>
    </form>
  );
}
