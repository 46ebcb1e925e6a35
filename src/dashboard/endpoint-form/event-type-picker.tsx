import { useState } from 'preact/hooks';
import type { EventType } from '../api/types';

interface Props {
  catalogue: EventType[];
  everything: boolean;
  selected: string[];
  error?: string;
  onChange: (next: { everything?: boolean; eventTypes?: string[] }) => void;
}

/**
 * "Send me everything" on by default; turned off, the catalogue appears as checkboxes (with a
 * filter once it is long: some products have over a hundred). Types already chosen but missing
 * from the catalogue still show, and any other name can be added.
 */
export function EventTypePicker({ catalogue, everything, selected, error, onChange }: Props) {
  const [filter, setFilter] = useState('');
  const [custom, setCustom] = useState('');
  const known = new Set(catalogue.map((t) => t.name));
  const all = [...catalogue, ...selected.filter((n) => !known.has(n)).map((name) => ({ name, description: null, createdAt: '' }))];
  const shown = filter ? all.filter((t) => t.name.toLowerCase().includes(filter.toLowerCase())) : all;
  const toggle = (name: string, on: boolean) =>
    onChange({ eventTypes: on ? [...selected, name] : selected.filter((n) => n !== name) });
  const addCustom = () => {
    const name = custom.trim();
    if (name && !selected.includes(name)) onChange({ eventTypes: [...selected, name] });
    setCustom('');
  };

  return (
    <fieldset class={`field${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'eventTypes-error' : undefined}>
      <legend>Event types</legend>
      <label class="switch">
        <input type="checkbox" role="switch" id="send-everything" checked={everything} onChange={(e) => onChange({ everything: e.currentTarget.checked })} />
        <span>Send me everything</span>
      </label>
      {!everything && (
        <>
          {all.length > 8 && (
            <input type="search" class="filter" aria-label="Filter event types" placeholder="Filter event types…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          )}
          {all.length === 0 && <p class="hint">No event types in the catalogue yet: add the names you want below.</p>}
          <ul class="checkbox-grid" aria-label="Event types">
            {shown.map((t) => (
              <li key={t.name}>
                <label>
                  <input type="checkbox" name="eventTypes" value={t.name} checked={selected.includes(t.name)} onChange={(e) => toggle(t.name, e.currentTarget.checked)} />
                  <span class="mono">{t.name}</span>
                  {t.description && <span class="hint">{t.description}</span>}
                </label>
              </li>
            ))}
          </ul>
          <div class="row align-end">
            <div class="field grow">
              <label for="custom-event-type">Other event type</label>
              <input
                id="custom-event-type"
                class="mono"
                placeholder="e.g. member.removed"
                value={custom}
                onInput={(e) => setCustom(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault(); // add it, rather than submit the whole form
                    addCustom();
                  }
                }}
              />
            </div>
            <button type="button" onClick={addCustom}>
              Add
            </button>
          </div>
        </>
      )}
      {error && <p class="field-error" id="eventTypes-error" data-field-error="eventTypes">{error}</p>}
    </fieldset>
  );
}
