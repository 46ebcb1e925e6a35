import type { Pair } from './form-state';

interface Props {
  id: string;
  legend: string;
  hint: string;
  keyLabel: string;
  pairs: Pair[];
  error?: string;
  onChange: (pairs: Pair[]) => void;
}

/** Name/value rows (custom headers, query parameters), each input labelled for screen readers. */
export function PairsEditor({ id, legend, hint, keyLabel, pairs, error, onChange }: Props) {
  const update = (i: number, patch: Partial<Pair>) => onChange(pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset class={`field${error ? ' field-invalid' : ''}`} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
      <legend>{legend}</legend>
      <p class="hint" id={`${id}-hint`}>{hint}</p>
      {pairs.map((p, i) => (
        <div class="row pair" key={i}>
          <input aria-label={`${keyLabel} ${i + 1}`} class="mono" placeholder={keyLabel} value={p.key} onInput={(e) => update(i, { key: e.currentTarget.value })} />
          <input aria-label={`Value ${i + 1}`} class="mono grow" placeholder="value" value={p.value} onInput={(e) => update(i, { value: e.currentTarget.value })} />
          <button type="button" class="small-button" aria-label={`Remove ${keyLabel.toLowerCase()} ${i + 1}`} onClick={() => onChange(pairs.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" id={`${id}-add`} onClick={() => onChange([...pairs, { key: '', value: '' }])}>
        Add {keyLabel.toLowerCase()}
      </button>
      {error && <p class="field-error" id={`${id}-error`} data-field-error={id}>{error}</p>}
    </fieldset>
  );
}
