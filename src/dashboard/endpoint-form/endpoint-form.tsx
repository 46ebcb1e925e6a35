import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventType } from '../api/types';
import { controlProps, Field } from '../ui/field';
import type { FieldErrors } from '../ui/field-errors';
import { EventTypePicker } from './event-type-picker';
import { FilterField } from './filter-field';
import { endpointErrors, ERROR_KEY_OF } from './form-errors';
import { formToBody, type EndpointForm as FormState } from './form-state';
import { ADVANCED_ERROR_KEYS, AdvancedFields } from './advanced-fields';
import { schemeInfo } from './schemes';
import { SigningFields } from './signing-fields';
import { TransformationField } from './transformation-field';

interface Props {
  mode: 'create' | 'edit';
  initial: FormState;
  catalogue: EventType[];
  cancelHref: string;
  /** The endpoint's …/transformation/test path (edit only): the editor's "Run against this example". */
  transformationTestPath?: string;
  /** Sends the body to the API; a rejection is shown on the form, next to its field. */
  onSubmit: (body: ReturnType<typeof formToBody>) => Promise<void>;
}

/**
 * Every option of an endpoint: Destination, Events and Signing first, then the rest (Request,
 * TLS, Retries and delivery order) in an "Advanced" fold that opens by itself on an error inside.
 */
export function EndpointFormView({ mode, initial, catalogue, cancelHref, transformationTestPath, onSubmit }: Props) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
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
      const found = endpointErrors(err);
      if (Object.keys(found.fields).some((k) => ADVANCED_ERROR_KEYS.includes(k))) setAdvancedOpen(true);
      setErrors(found);
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
        <Field id="channels" label="Channels (optional)" hint="Comma-separated, e.g. project-123. Only messages published with one of them arrive. Empty: every message." error={e.channels}>
          <input {...controlProps('channels', e.channels, true)} class="mono" value={form.channels} onInput={(ev) => set({ channels: ev.currentTarget.value })} />
        </Field>
        <FilterField value={form.filter} error={e.filter} catalogue={catalogue} subscribed={form.everything ? [] : form.eventTypes} onChange={(filter) => set({ filter })} />
      </fieldset>

      <SigningFields form={form} mode={mode} errors={e} set={set} />
      <AdvancedFields form={form} errors={e} open={advancedOpen} onToggle={setAdvancedOpen} set={set} setMethod={setMethod} />
      <TransformationField
        value={form.transformation} error={e.transformation} catalogue={catalogue} subscribed={form.everything ? [] : form.eventTypes}
        testPath={transformationTestPath} onChange={(transformation) => set({ transformation })}
      />

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
