import { useState } from 'preact/hooks';
import { ApiRequestError, seg } from '../api/client';
import type { EventType } from '../api/types';
import { useApi } from '../hooks';
import { controlProps, Field } from '../ui/field';

type Fields = 'name' | 'description' | 'group' | 'schema' | 'examples' | 'validation';
interface Problem { path: string; message: string }

/** Create (no `initial`) or edit an event type: plain fields, and the schema and examples as JSON text. */
export function EventTypeForm({ initial, onSaved, onCancel }: { initial?: EventType; onSaved: (t: EventType) => void; onCancel: () => void }) {
  const api = useApi();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [group, setGroup] = useState(initial?.group ?? '');
  const [deprecated, setDeprecated] = useState(initial?.deprecated ?? false);
  const [validation, setValidation] = useState<'off' | 'reject'>(initial?.validation ?? 'off');
  const [schema, setSchema] = useState(initial?.schema ? JSON.stringify(initial.schema, null, 2) : '');
  const [examples, setExamples] = useState(initial && initial.examples.length > 0 ? JSON.stringify(initial.examples, null, 2) : '');
  const [errors, setErrors] = useState<Partial<Record<Fields | 'form', string>>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = parseJsonFields(schema, examples);
    if ('errors' in parsed) return setErrors(parsed.errors);
    const body = {
      description: description.trim() || null, group: group.trim() || null, deprecated, validation,
      schema: parsed.schema, examples: parsed.examples,
    };
    setBusy(true);
    try {
      onSaved(initial
        ? await api.patch<EventType>(`/event-types/${seg(initial.name)}`, body)
        : await api.post<EventType>('/event-types', { name: name.trim(), ...body }));
    } catch (err) {
      setErrors(placeError(err));
    } finally {
      setBusy(false);
    }
  };

  const id = (f: string) => `event-type-${f}`;
  return (
    <form class="card" onSubmit={submit} novalidate aria-labelledby="event-type-form-title">
      <h2 id="event-type-form-title">{initial ? `Edit ${initial.name}` : 'New event type'}</h2>
      {errors.form && <p class="note note-error" role="alert">{errors.form}</p>}
      <div class="row">
        <Field id={id('name')} label="Name" hint={initial ? 'A type keeps its name; create another to rename it.' : 'e.g. member.created'} error={errors.name}>
          <input {...controlProps(id('name'), errors.name, true)} class="mono" value={name} disabled={!!initial} onInput={(e) => setName(e.currentTarget.value)} required />
        </Field>
        <Field id={id('group')} label="Group (optional)" hint='Listed under this heading, e.g. "Members".' error={errors.group}>
          <input {...controlProps(id('group'), errors.group, true)} value={group} onInput={(e) => setGroup(e.currentTarget.value)} />
        </Field>
      </div>
      <Field id={id('description')} label="Description (optional)" error={errors.description}>
        <input {...controlProps(id('description'), errors.description)} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <Field id={id('schema')} label="Schema of the data (JSON Schema 2020-12, optional)" error={errors.schema}>
        <textarea {...controlProps(id('schema'), errors.schema)} class="mono" rows={10} spellcheck={false} value={schema} onInput={(e) => setSchema(e.currentTarget.value)} placeholder='{"type": "object", "properties": {…}}' />
      </Field>
      <Field id={id('examples')} label="Examples (a JSON array of example data, optional)" hint="Each must match the schema; a test event sends the first." error={errors.examples}>
        <textarea {...controlProps(id('examples'), errors.examples, true)} class="mono" rows={6} spellcheck={false} value={examples} onInput={(e) => setExamples(e.currentTarget.value)} placeholder="[{…}]" />
      </Field>
      <div class="row">
        <Field id={id('validation')} label="When published data does not match the schema" error={errors.validation}>
          <select {...controlProps(id('validation'), errors.validation)} value={validation} onChange={(e) => setValidation(e.currentTarget.value as 'off' | 'reject')}>
            <option value="off">Accept it (no validation)</option>
            <option value="reject">Refuse the publish (422)</option>
          </select>
        </Field>
        <label class="checkbox-inline">
          <input type="checkbox" id={id('deprecated')} checked={deprecated} onChange={(e) => setDeprecated(e.currentTarget.checked)} />
          <span>Deprecated</span>
        </label>
      </div>
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{initial ? 'Save event type' : 'Create event type'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

type Parsed = { schema: unknown; examples: unknown[] } | { errors: Partial<Record<Fields, string>> };

function parseJsonFields(schemaText: string, examplesText: string): Parsed {
  const errors: Partial<Record<Fields, string>> = {};
  let schema: unknown = null;
  let examples: unknown[] = [];
  try {
    if (schemaText.trim()) schema = JSON.parse(schemaText);
    if (schema !== null && (typeof schema !== 'object' || Array.isArray(schema))) errors.schema = 'The schema must be a JSON object, e.g. {"type": "object"}.';
  } catch (err) {
    errors.schema = `This is not valid JSON: ${(err as Error).message}`;
  }
  try {
    const value: unknown = examplesText.trim() ? JSON.parse(examplesText) : [];
    if (Array.isArray(value)) examples = value;
    else errors.examples = 'Give the examples as a JSON array: [{…}, {…}].';
  } catch (err) {
    errors.examples = `This is not valid JSON: ${(err as Error).message}`;
  }
  return Object.keys(errors).length > 0 ? { errors } : { schema, examples };
}

/** The API's refusal next to the field it is about; an example's problems listed with their paths. */
function placeError(err: unknown): Partial<Record<Fields | 'form', string>> {
  if (!(err instanceof ApiRequestError)) return { form: (err as Error).message };
  if (err.code === 'invalid_schema') return { schema: err.message };
  if (err.code === 'invalid_example') {
    const list = (err.errors ?? []) as Array<{ index: number; errors: Problem[] }>;
    const detail = list.flatMap((e) => e.errors.map((p) => `example ${e.index + 1}, ${p.path || 'the whole value'}: ${p.message}`));
    return { examples: detail.length > 0 ? `These examples do not match the schema: ${detail.join('; ')}.` : err.message };
  }
  if (err.code === 'conflict') return { name: err.message };
  const field = /^body\.(name|description|group|schema|examples|validation)\b/.exec(err.message)?.[1] as Fields | undefined;
  if (field) return { [field]: err.message.replace(/^body\.\w+\s*/, '').replace(/^./, (c) => c.toUpperCase()) };
  if (/validation "reject" needs a schema/.test(err.message)) return { validation: err.message };
  return { form: err.message };
}
