import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { App, PortalLink } from '../api/types';
import { useAction, useApi, useLoad } from '../hooks';
import { ErrorNote, StatusNote } from '../ui/notes';

// Admin only: which sites may show this app's portal inside their own pages (docs/embedding.md).

const parseOrigins = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The app's default allowed origins, one per line; saved with PATCH /apps/{appId}. */
export function EmbedPanel({ appId }: { appId: string }) {
  const api = useApi();
  const [text, setText] = useState('');
  // The saved origins fill the box inside the load, before it stops being read-only. Filling it
  // from an effect instead left a window (effects run after paint, up to 100 ms later) in which
  // what the admin typed was replaced by the saved value, and "Save" sent the old origins.
  const app = useLoad(async () => {
    const loaded = await api.get<App>(`/apps/${seg(appId)}`);
    setText(loaded.allowedOrigins.join('\n'));
    return loaded;
  }, [appId]);
  const save = useAction(async () => {
    const saved = await api.patch<App>(`/apps/${seg(appId)}`, { allowedOrigins: parseOrigins(text) });
    setText(saved.allowedOrigins.join('\n'));
  });

  return (
    <section class="card" aria-labelledby="embed-title">
      <h2 id="embed-title">Embedding</h2>
      <p class="muted">
        Sites that may show this customer's portal inside their own pages, with the <code>&lt;herald-portal&gt;</code> element.
        Without any, no site can. One origin per line, like <code>https://app.example.com</code>.
      </p>
      <div class="field">
        <label for="embed-origins">Allowed origins</label>
        {/* Read-only until the saved origins have loaded: they would replace what was typed meanwhile. */}
        <textarea id="embed-origins" class="mono" rows={3} value={text} readOnly={app.loading} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <button type="button" onClick={() => void save.run()} disabled={save.busy || app.loading}>
        Save origins
      </button>
      <ErrorNote error={app.error ?? save.error} />
      {save.succeeded && <StatusNote>Allowed origins saved: {text ? parseOrigins(text).join(', ') : 'none (no site may embed the portal)'}.</StatusNote>}
    </section>
  );
}

/** The ready-to-paste HTML of a portal link just created, and who may frame it. */
export function EmbedSnippet({ portal }: { portal: PortalLink }) {
  if (!portal.embed) return null;
  return (
    <div class="field">
      <label for="portal-embed">Embed in your page</label>
      <textarea id="portal-embed" class="mono" rows={4} readOnly value={portal.embed} onFocus={(e) => e.currentTarget.select()} />
      <p class="hint">
        {portal.allowedOrigins.length > 0
          ? `Shows only on pages of ${portal.allowedOrigins.join(', ')}.`
          : 'No site may frame this link yet: add allowed origins under Embedding.'}
      </p>
    </div>
  );
}
