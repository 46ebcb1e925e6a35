import { useState } from 'preact/hooks';
import type { EventType } from '../api/types';
import { schemaFields } from './schema-fields';

interface Props {
  eventType: EventType;
  /** Admin only: edit and delete buttons. */
  onEdit?: () => void;
  onDelete?: () => Promise<void>;
}

/** One catalogue entry: name, badges and description; opened, its fields as a table and its example. */
export function EventTypeCard({ eventType: t, onEdit, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const fields = schemaFields(t.schema as Record<string, unknown> | null);
  const id = `event-${t.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return (
    <li class="card event-type" data-event-type={t.name}>
      <details>
        <summary>
          <span class="mono card-title">{t.name}</span>
          {t.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
          {t.validation === 'reject' && <span class="badge badge-pending" title="Messages whose data does not match the schema are refused">Validated</span>}
          {t.description && <span class="hint event-description">{t.description}</span>}
        </summary>
        <div class="event-type-body">
          {fields.length > 0 ? (
            <table class="responsive schema-fields" aria-label={`Fields of ${t.name}`}>
              <thead>
                <tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr>
              </thead>
              <tbody>
                {fields.map((f) => (
                  <tr key={f.name}>
                    <td data-label="Field" class="mono">{f.name}</td>
                    <td data-label="Type" class="mono small">{f.type}</td>
                    <td data-label="Required">{f.required ? 'required' : <span class="muted">optional</span>}</td>
                    <td data-label="Description">{f.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted small">{t.schema ? 'The schema lists no fields.' : 'No schema documented for this event yet.'}</p>
          )}
          {t.examples.length > 0 && (
            <>
              <h3 class="small" id={`${id}-example`}>Example data</h3>
              <pre class="body" aria-labelledby={`${id}-example`}>{JSON.stringify(t.examples[0], null, 2)}</pre>
            </>
          )}
          {(onEdit || onDelete) && (
            <div class="row">
              {onEdit && <button type="button" class="small-button" onClick={onEdit}>Edit</button>}
              {onDelete && !confirming && <button type="button" class="small-button" onClick={() => setConfirming(true)}>Delete</button>}
              {onDelete && confirming && (
                <>
                  <button type="button" class="small-button danger" onClick={() => void onDelete()}>Delete {t.name}</button>
                  <button type="button" class="small-button" onClick={() => setConfirming(false)}>Keep it</button>
                </>
              )}
            </div>
          )}
        </div>
      </details>
    </li>
  );
}
