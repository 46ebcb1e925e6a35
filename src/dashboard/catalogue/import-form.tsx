import { useState } from 'preact/hooks';
import { useApi } from '../hooks';
import { controlProps, Field } from '../ui/field';

interface ImportResult {
  created: string[];
  updated: string[];
  skipped: Array<{ name: string; reason: string }>;
}

/** Paste or pick an OpenAPI 3.1 document (JSON); its `webhooks` become event types. */
export function ImportForm({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const api = useApi();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return setError(`This is not valid JSON (YAML documents: convert them to JSON first): ${(err as Error).message}`);
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<ImportResult>('/event-types/import', doc));
      onImported();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} novalidate aria-labelledby="import-title">
      <h2 id="import-title">Import from OpenAPI</h2>
      <p class="hint">An OpenAPI 3.1 document in JSON: each entry of its <code>webhooks</code> becomes an event type (schema, example, description, tag as group).</p>
      <Field id="import-file" label="Document file">
        <input
          {...controlProps('import-file')}
          type="file"
          accept=".json,application/json"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) setText(await file.text());
          }}
        />
      </Field>
      <Field id="import-text" label="…or paste it here" error={error}>
        <textarea {...controlProps('import-text', error)} class="mono" rows={8} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      {result && (
        <div role="status" class="note note-ok import-result">
          <p>Created {result.created.length}, updated {result.updated.length}, skipped {result.skipped.length}.</p>
          {result.skipped.length > 0 && (
            <ul>
              {result.skipped.map((s) => <li key={s.name}><span class="mono">{s.name}</span>: {s.reason}</li>)}
            </ul>
          )}
        </div>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy || !text.trim()}>Import</button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}
