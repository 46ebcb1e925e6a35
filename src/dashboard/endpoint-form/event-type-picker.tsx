import { useState } from 'preact/hooks';
import type { EventType } from '../api/types';
import { groupLabel, groupTypes, matchesSearch } from '../catalogue/load-catalogue';

interface Props {
  catalogue: EventType[];
  everything: boolean;
  selected: string[];
  error?: string;
  onChange: (next: { everything?: boolean; eventTypes?: string[] }) => void;
}

type Choice = Pick<EventType, 'name' | 'description' | 'group' | 'deprecated'>;

/**
 * "Send me everything" on by default; turned off, the catalogue appears as checkboxes grouped as
 * the catalogue groups them (each group can be picked whole), with a filter once it is long: some
 * products have over a hundred. Types already chosen but missing from the catalogue still show,
 * and any other name can be added.
 */
export function EventTypePicker({ catalogue, everything, selected, error, onChange }: Props) {
  const [filter, setFilter] = useState('');
  const [custom, setCustom] = useState('');
  const known = new Set(catalogue.map((t) => t.name));
  const all: Choice[] = [
    ...catalogue,
    ...selected.filter((n) => !known.has(n)).map((name) => ({ name, description: null, group: null, deprecated: false })),
  ];
  const shown = filter ? all.filter((t) => matchesSearch(t, filter)) : all;
  const groups = groupTypes(shown);
  const setMany = (names: string[], on: boolean) =>
    onChange({ eventTypes: on ? [...selected, ...names.filter((n) => !selected.includes(n))] : selected.filter((n) => !names.includes(n)) });
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
          <div class="picker-groups">
            {groups.map(({ group, types }) => {
              const names = types.map((t) => t.name);
              const chosen = names.filter((n) => selected.includes(n)).length;
              const label = groupLabel(group);
              // One group without a name is just the list: no heading to pick it whole.
              const headed = groups.length > 1 || group !== null;
              return (
                <div class="picker-group" key={group ?? ''} role="group" aria-label={label}>
                  {headed && (
                    <label class="picker-group-title">
                      <input
                        type="checkbox"
                        checked={chosen === names.length}
                        indeterminate={chosen > 0 && chosen < names.length}
                        onChange={(e) => setMany(names, e.currentTarget.checked)}
                        aria-label={`All ${label} events`}
                      />
                      <span>{label}</span>
                      <span class="hint">{chosen} of {names.length}</span>
                    </label>
                  )}
                  <ul class="checkbox-grid" aria-label={`${label} event types`}>
                    {types.map((t) => (
                      <li key={t.name}>
                        <label>
                          <input type="checkbox" name="eventTypes" value={t.name} checked={selected.includes(t.name)} onChange={(e) => setMany([t.name], e.currentTarget.checked)} />
                          <span class="mono">{t.name}</span>
                          {t.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
                          {t.description && <span class="hint">{t.description}</span>}
                        </label>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
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
