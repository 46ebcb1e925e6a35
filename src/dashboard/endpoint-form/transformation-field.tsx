import { useState } from 'preact/hooks';
import type { EventType } from '../api/types';
import type { TransformationTestOut } from '../../sdk/client-types';
import { useApi } from '../hooks';
import { controlProps, Field } from '../ui/field';
import { endpointErrors } from './form-errors';
import './transformation-field.css';

interface Props {
  value: string;
  error?: string | null;
  catalogue: EventType[];
  /** The event types the endpoint subscribes to (empty: every one): their examples are offered first. */
  subscribed: string[];
  /** The API path of the endpoint's …/transformation/test; absent while the endpoint is being created. */
  testPath?: string;
  onChange: (source: string) => void;
}

export const TRANSFORMATION_EXAMPLE = `function handler(webhook) {
  // webhook: { method, url, headers, payload, eventType }
  webhook.headers['X-Event'] = webhook.eventType;
  return webhook;
}`;

type Run = { kind: 'result'; result: TransformationTestOut } | { kind: 'invalid'; text: string };

/**
 * The endpoint's transformation (docs/transformations.md): JavaScript run in Herald's sandbox
 * before each attempt is signed. "Run against this example" sends the code as typed (not saved)
 * to the server, which runs it in the same sandbox as deliveries and shows the request that would
 * be sent, signed; nothing is sent to the endpoint.
 */
export function TransformationField({ value, error, catalogue, subscribed, testPath, onChange }: Props) {
  const api = useApi();
  const withExamples = catalogue.filter((t) => t.examples.length > 0);
  const ordered = [...withExamples.filter((t) => subscribed.includes(t.name)), ...withExamples.filter((t) => !subscribed.includes(t.name))];
  const [picked, setPicked] = useState('');
  const [run, setRun] = useState<Run | null>(null);
  const [busy, setBusy] = useState(false);
  // A fold of its own, after Advanced: open when the endpoint has a transformation or it was refused.
  const [open, setOpen] = useState(value.trim() !== '');
  const type = ordered.find((t) => t.name === picked) ?? ordered[0];

  const tryIt = async () => {
    if (!testPath) return;
    setBusy(true);
    try {
      const body = { transformation: value, ...(type ? { eventType: type.name } : {}) };
      setRun({ kind: 'result', result: await api.post<TransformationTestOut>(testPath, body) });
    } catch (err) {
      setRun({ kind: 'invalid', text: endpointErrors(err).fields.transformation ?? (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="transformation" id="transformation-fold" open={open || !!error} onToggle={(ev) => setOpen((ev.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        Transformation <span class="muted small">rewrite or skip each request with JavaScript</span>
      </summary>
      <fieldset class="section transformation-field">
      <legend>Transformation</legend>
      <Field
        id="transformation"
        label="Transformation (optional)"
        hint={<>JavaScript defining <code>function handler(webhook)</code>: change <code>method</code>, the URL's path and query, <code>headers</code> or <code>payload</code>, or set <code>cancel = true</code> to skip the message. Runs in a sandbox (50 ms, 16 MiB, no network, clock fixed at the attempt's time) before the request is signed. Empty: none.</>}
        error={error}
      >
        <textarea
          {...controlProps('transformation', error, true)}
          class="mono"
          rows={8}
          spellcheck={false}
          placeholder={TRANSFORMATION_EXAMPLE}
          value={value}
          onInput={(ev) => {
            onChange(ev.currentTarget.value);
            setRun(null);
          }}
        />
      </Field>
      {testPath ? (
        <div class="row transformation-test">
          {ordered.length > 0 && (
            <>
              <label for="transformation-example-type">Example of</label>
              <select id="transformation-example-type" class="mono" value={type?.name} onChange={(ev) => { setPicked(ev.currentTarget.value); setRun(null); }}>
                {ordered.map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
              </select>
            </>
          )}
          <button type="button" onClick={tryIt} disabled={busy || !value.trim()}>{busy ? 'Running…' : 'Run against this example'}</button>
        </div>
      ) : (
        <p class="hint">Save the endpoint first: then its transformation can be run against an example here.</p>
      )}
      {run && <RunOutcome run={run} />}
      </fieldset>
    </details>
  );
}

function RunOutcome({ run }: { run: Run }) {
  if (run.kind === 'invalid') return <p role="status" class="note note-error transformation-outcome">{run.text}</p>;
  const { result } = run;
  if (result.outcome === 'failed') return <p role="status" class="note note-error transformation-outcome">{result.error}</p>;
  if (result.outcome === 'cancelled') {
    return <p role="status" class="note transformation-outcome">Cancelled: this message would not be sent to the endpoint (recorded as cancelled, not failed).</p>;
  }
  const req = result.after!;
  return (
    <div role="status" class="transformation-outcome">
      <p class="note">The request that would be sent (signed over this body):</p>
      <pre class="mono transformation-request">
        {`${req.method} ${req.url}\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${req.body ?? ''}`}
      </pre>
    </div>
  );
}
