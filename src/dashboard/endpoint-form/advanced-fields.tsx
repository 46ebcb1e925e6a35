import { controlProps, Field } from '../ui/field';
import type { EndpointForm } from './form-state';
import { PairsEditor } from './pairs-editor';
import { PAYLOAD_FORMATS } from './schemes';
import { TlsFields } from './tls-fields';

interface Props {
  form: EndpointForm;
  errors: Record<string, string>;
  open: boolean;
  onToggle: (open: boolean) => void;
  set: (patch: Partial<EndpointForm>) => void;
  setMethod: (method: EndpointForm['method']) => void;
}

/** Error keys shown inside the fold: an error on one of them opens it, so the message is seen. */
export const ADVANCED_ERROR_KEYS = [
  'method', 'timeout', 'payloadFormat', 'query', 'tls', 'tls.ca', 'tls.cert', 'tls.key', 'tls.passphrase',
  'tls.pkcs12', 'tls.caPkcs12', 'tls.caPassphrase',
  'retrySchedule', 'rateLimit', 'ordering',
];

/**
 * Request (method, timeout, payload format, query), TLS and Retries: what most receivers never
 * change, folded away so the form starts with where, what and how it is signed (custom headers
 * sit with Signing: they are how many receivers authenticate). Every option is one click away.
 */
export function AdvancedFields({ form, errors: e, open, onToggle, set, setMethod }: Props) {
  return (
    <details class="advanced" id="advanced" open={open} onToggle={(ev) => onToggle((ev.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        Advanced <span class="muted small">request, TLS, retries and delivery order</span>
      </summary>
      <fieldset class="section">
        <legend>Request</legend>
        <div class="row">
          <Field id="method" label="Method" error={e.method}>
            <select {...controlProps('method', e.method)} value={form.method} onChange={(ev) => setMethod(ev.currentTarget.value as EndpointForm['method'])}>
              <option value="POST">POST</option>
              <option value="GET">GET</option>
            </select>
          </Field>
          <Field id="timeout" label="Timeout" hint="100 ms to 15 minutes, e.g. 30s, 2m or PT30S" error={e.timeout}>
            <input {...controlProps('timeout', e.timeout, true)} class="mono" value={form.timeout} onInput={(ev) => set({ timeout: ev.currentTarget.value })} />
          </Field>
        </div>
        <Field id="payload-format" label="Payload format" error={e.payloadFormat}>
          <select {...controlProps('payload-format', e.payloadFormat)} value={form.payloadFormat} onChange={(ev) => set({ payloadFormat: ev.currentTarget.value as EndpointForm['payloadFormat'] })}>
            {PAYLOAD_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </Field>
        <PairsEditor id="query" legend="Query parameters" hint="Added to the payload URL, e.g. key=installation-1." keyLabel="Parameter" pairs={form.query} error={e.query} onChange={(query) => set({ query })} />
      </fieldset>

      <TlsFields form={form} errors={e} set={set} />

      <fieldset class="section">
        <legend>Retries and delivery</legend>
        <Field id="retry-schedule" label="Retry schedule (optional)" hint="Delays before each retry, e.g. 5s, 5m, 30m, 2h. Empty: the app's or server's schedule." error={e.retrySchedule}>
          <input {...controlProps('retry-schedule', e.retrySchedule, true)} class="mono" value={form.retrySchedule} onInput={(ev) => set({ retrySchedule: ev.currentTarget.value })} />
        </Field>
        <Field id="rate-limit" label="Rate limit (requests per second, optional)" hint="Empty: no limit." error={e.rateLimit}>
          <input {...controlProps('rate-limit', e.rateLimit, true)} type="number" min={0} step="any" value={form.rateLimit} onInput={(ev) => set({ rateLimit: ev.currentTarget.value })} />
        </Field>
        <Field id="ordering" label="Delivery order" hint="One at a time per entity waits for each delivery (and its retries) before sending the next about the same entity." error={e.ordering}>
          <select {...controlProps('ordering', e.ordering, true)} value={form.ordering} onChange={(ev) => set({ ordering: ev.currentTarget.value as EndpointForm['ordering'] })}>
            <option value="unordered">Any order (fastest)</option>
            <option value="entity">One at a time per entity, in publish order</option>
          </select>
        </Field>
        <label class="switch">
          <input type="checkbox" role="switch" id="forward-trace-context" checked={form.forwardTraceContext} onChange={(ev) => set({ forwardTraceContext: ev.currentTarget.checked })} />
          <span>Forward trace context: send the publisher's <code>traceparent</code> and <code>tracestate</code> with each attempt</span>
        </label>
      </fieldset>
    </details>
  );
}
