import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventType } from '../api/types';
import { controlProps, Field } from '../ui/field';
import type { FieldErrors } from '../ui/field-errors';
import { EventTypePicker } from './event-type-picker';
import { endpointErrors, ERROR_KEY_OF } from './form-errors';
import { formToBody, type EndpointForm as FormState } from './form-state';
import { PairsEditor } from './pairs-editor';
import { PAYLOAD_FORMATS, schemeInfo } from './schemes';
import { SigningFields } from './signing-fields';
import { TlsFields } from './tls-fields';

interface Props {
  mode: 'create' | 'edit';
  initial: FormState;
  catalogue: EventType[];
  cancelHref: string;
  /** Sends the body to the API; a rejection is shown on the form, next to its field. */
  onSubmit: (body: ReturnType<typeof formToBody>) => Promise<void>;
}

/** Every option of an endpoint, grouped as a receiver's developer thinks of them. */
export function EndpointFormView({ mode, initial, catalogue, cancelHref, onSubmit }: Props) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    const stale = Object.keys(patch).map((k) => ERROR_KEY_OF[k]).filter((k): k is string => !!k && k in errors.fields);
    if (stale.length) setErrors((e) => ({ ...e, fields: Object.fromEntries(Object.entries(e.fields).filter(([k]) => !stale.includes(k))) }));
  };
  const e = errors.fields;

  // After a rejected submit, focus goes to the first field with an error (or the form's alert).
  useEffect(() => {
    const target = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid input, .note-error');
    target?.focus();
    if (target && !target.matches('input, select, textarea')) target.scrollIntoView({ block: 'center' });
  }, [errors]);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (!form.everything && form.eventTypes.length === 0) {
      return setErrors({ fields: { eventTypes: 'Pick at least one event type, or turn on "Send me everything".' }, form: null });
    }
    setBusy(true);
    try {
      const info = schemeInfo(form.scheme);
      await onSubmit(formToBody(form, mode, { header: info.headerConfigurable, prefix: info.prefixConfigurable }));
    } catch (err) {
      setErrors(endpointErrors(err));
    } finally {
      setBusy(false);
    }
  };

  // GET has no body: it goes with the path-based format and signature (as the API defaults it).
  const setMethod = (method: FormState['method']) =>
    set(method === 'GET' ? { method, payloadFormat: 'entity-ref', scheme: 'entity-path' } : { method });

  return (
    <form ref={formRef} onSubmit={submit} novalidate class="endpoint-form">
      {errors.form && <p class="note note-error" role="alert" tabIndex={-1}>{errors.form}</p>}
      <fieldset class="section">
        <legend>Destination</legend>
        <Field id="url" label="Payload URL" hint="Where Herald sends each webhook, e.g. https://example.com/webhooks" error={e.url}>
          <input {...controlProps('url', e.url, true)} type="url" inputMode="url" class="mono" required value={form.url} onInput={(ev) => set({ url: ev.currentTarget.value })} />
        </Field>
        <Field id="name" label="Name (optional)" error={e.name}>
          <input {...controlProps('name', e.name)} value={form.name} onInput={(ev) => set({ name: ev.currentTarget.value })} />
        </Field>
        <Field id="description" label="Description (optional)" error={e.description}>
          <textarea {...controlProps('description', e.description)} rows={2} value={form.description} onInput={(ev) => set({ description: ev.currentTarget.value })} />
        </Field>
        <label class="switch">
          <input type="checkbox" role="switch" id="enabled" checked={form.enabled} onChange={(ev) => set({ enabled: ev.currentTarget.checked })} />
          <span>Enabled: deliver messages to this endpoint</span>
        </label>
      </fieldset>

      <fieldset class="section">
        <legend>Events</legend>
        <EventTypePicker catalogue={catalogue} everything={form.everything} selected={form.eventTypes} error={e.eventTypes} onChange={(p) => set(p)} />
        <Field id="entity-types" label="Entity types (optional)" hint="Comma-separated, e.g. Agreement, Member. Empty: every entity." error={e.entityTypes}>
          <input {...controlProps('entity-types', e.entityTypes, true)} class="mono" value={form.entityTypes} onInput={(ev) => set({ entityTypes: ev.currentTarget.value })} />
        </Field>
      </fieldset>

      <fieldset class="section">
        <legend>Request</legend>
        <div class="row">
          <Field id="method" label="Method" error={e.method}>
            <select {...controlProps('method', e.method)} value={form.method} onChange={(ev) => setMethod(ev.currentTarget.value as FormState['method'])}>
              <option value="POST">POST</option>
              <option value="GET">GET</option>
            </select>
          </Field>
          <Field id="timeout" label="Timeout (seconds)" hint="1 to 300" error={e.timeout}>
            <input {...controlProps('timeout', e.timeout, true)} type="number" min={1} max={300} value={form.timeoutSeconds} onInput={(ev) => set({ timeoutSeconds: ev.currentTarget.value })} />
          </Field>
        </div>
        <Field id="payload-format" label="Payload format" error={e.payloadFormat}>
          <select {...controlProps('payload-format', e.payloadFormat)} value={form.payloadFormat} onChange={(ev) => set({ payloadFormat: ev.currentTarget.value as FormState['payloadFormat'] })}>
            {PAYLOAD_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </Field>
        <PairsEditor id="headers" legend="Custom headers" hint="Sent with every request, e.g. an API key your receiver expects." keyLabel="Header" pairs={form.headers} error={e.headers} onChange={(headers) => set({ headers })} />
        <PairsEditor id="query" legend="Query parameters" hint="Added to the payload URL, e.g. key=installation-1." keyLabel="Parameter" pairs={form.query} error={e.query} onChange={(query) => set({ query })} />
      </fieldset>

      <SigningFields form={form} mode={mode} errors={e} set={set} />
      <TlsFields form={form} errors={e} set={set} />

      <fieldset class="section">
        <legend>Retries and rate</legend>
        <Field id="retry-schedule" label="Retry schedule (optional)" hint="Delays before each retry, e.g. 5s, 5m, 30m, 2h. Empty: the app's or server's schedule." error={e.retrySchedule}>
          <input {...controlProps('retry-schedule', e.retrySchedule, true)} class="mono" value={form.retrySchedule} onInput={(ev) => set({ retrySchedule: ev.currentTarget.value })} />
        </Field>
        <Field id="rate-limit" label="Rate limit (requests per second, optional)" error={e.rateLimit}>
          <input {...controlProps('rate-limit', e.rateLimit)} type="number" min={0} step="any" value={form.rateLimit} onInput={(ev) => set({ rateLimit: ev.currentTarget.value })} />
        </Field>
      </fieldset>

      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create endpoint' : 'Save changes'}
        </button>
        <a class="button" href={cancelHref}>
          Cancel
        </a>
      </div>
    </form>
  );
}
