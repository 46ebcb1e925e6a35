import { useState } from 'preact/hooks';
import { compileFilter } from '../../domain/payload-filter.js';
import type { EventType } from '../api/types';
import { controlProps, Field } from '../ui/field';

interface Props {
  value: string;
  error?: string | null;
  catalogue: EventType[];
  /** The event types the endpoint subscribes to (empty: every one): their examples are offered first. */
  subscribed: string[];
  onChange: (filter: string) => void;
}

type Verdict = { kind: 'match' | 'no-match' | 'fails' | 'invalid'; text: string };

/**
 * The endpoint's payload filter (CEL, docs/filters.md) and a check of it against an event type's
 * example from the catalogue. The check runs here, in the browser, with the server's own code
 * (domain/payload-filter.ts), so it answers as fan-out will, without saving anything.
 */
export function FilterField({ value, error, catalogue, subscribed, onChange }: Props) {
  const withExamples = catalogue.filter((t) => t.examples.length > 0);
  const ordered = [...withExamples.filter((t) => subscribed.includes(t.name)), ...withExamples.filter((t) => !subscribed.includes(t.name))];
  const [picked, setPicked] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const type = ordered.find((t) => t.name === picked) ?? ordered[0];

  const test = () => {
    if (!type) return;
    if (!value.trim()) return setVerdict({ kind: 'match', text: 'No filter: every message of the chosen events is delivered.' });
    const compiled = compileFilter(value);
    if ('problem' in compiled) return setVerdict({ kind: 'invalid', text: `The filter is not valid: ${compiled.problem.message}.` });
    const outcome = compiled.evaluate({ eventType: type.name, data: type.examples[0], entity: null });
    if (outcome.error !== undefined) {
      return setVerdict({ kind: 'fails', text: `Fails on the ${type.name} example, which counts as no match (not delivered): ${outcome.error}.` });
    }
    setVerdict(outcome.matches
      ? { kind: 'match', text: `Matches: the ${type.name} example would be delivered.` }
      : { kind: 'no-match', text: `No match: the ${type.name} example would not be delivered.` });
  };

  return (
    <div class="filter-field">
      <Field
        id="filter"
        label="Filter (optional)"
        hint={<>A CEL expression over <code>eventType</code>, <code>data</code> and <code>entity</code>, e.g. <code>data.amount &gt; 100 &amp;&amp; data.currency == "EUR"</code>. Only messages it is true for are delivered. Empty: every message of the chosen events.</>}
        error={error}
      >
        <textarea
          {...controlProps('filter', error, true)}
          class="mono"
          rows={2}
          spellcheck={false}
          value={value}
          onInput={(ev) => {
            onChange(ev.currentTarget.value);
            setVerdict(null);
          }}
        />
      </Field>
      {ordered.length > 0 ? (
        <div class="row filter-test">
          <label for="filter-example-type">Test against the example of</label>
          <select id="filter-example-type" class="mono" value={type?.name} onChange={(ev) => { setPicked(ev.currentTarget.value); setVerdict(null); }}>
            {ordered.map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
          </select>
          <button type="button" onClick={test}>Test against this event type's example</button>
        </div>
      ) : (
        <p class="hint">Event types with an example in the catalogue can be used here to try the filter.</p>
      )}
      {verdict && (
        <p role="status" class={`note filter-verdict filter-verdict-${verdict.kind}${verdict.kind === 'invalid' || verdict.kind === 'fails' ? ' note-error' : ''}`}>
          {verdict.text}
        </p>
      )}
    </div>
  );
}
