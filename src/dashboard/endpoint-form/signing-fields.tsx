import { controlProps, Field } from '../ui/field';
import type { EndpointForm } from './form-state';
import { PairsEditor } from './pairs-editor';
import { SCHEMES, schemeInfo } from './schemes';

interface Props {
  form: EndpointForm;
  mode: 'create' | 'edit';
  errors: Record<string, string>;
  set: (patch: Partial<EndpointForm>) => void;
}

/** Secret (generated or typed), how requests are signed, and the custom headers a receiver may check. */
export function SigningFields({ form, mode, errors, set }: Props) {
  const info = schemeInfo(form.scheme);
  return (
    <fieldset class="section">
      <legend>Signing</legend>
      {mode === 'create' ? (
        <fieldset class="field" aria-describedby={errors.secret ? 'secret-error' : undefined}>
          <legend class="label">Secret</legend>
          <label class="inline">
            <input type="radio" name="secret-mode" checked={form.secretMode === 'generate'} onChange={() => set({ secretMode: 'generate' })} />
            Generate one for me
          </label>
          <label class="inline">
            <input type="radio" name="secret-mode" checked={form.secretMode === 'custom'} onChange={() => set({ secretMode: 'custom' })} />
            Use my own
          </label>
        </fieldset>
      ) : null}
      {(mode === 'edit' || form.secretMode === 'custom') && (
        <Field
          id="secret"
          label={mode === 'create' ? 'Your secret' : 'New secret (optional)'}
          hint={
            mode === 'edit'
              ? 'Leave empty to keep the current secret. To change it without dropping requests, use Rotate on the endpoint page.'
              : form.scheme === 'standard-webhooks' || form.scheme === 'svix'
                ? 'Standard Webhooks secrets look like whsec_ followed by base64.'
                : 'Shared with the receiver, which uses it to check each request.'
          }
          error={errors.secret}
        >
          <input {...controlProps('secret', errors.secret, true)} class="mono" autocomplete="off" spellcheck={false} value={form.secret} onInput={(e) => set({ secret: e.currentTarget.value })} />
        </Field>
      )}
      <Field id="signature-scheme" label="Signature scheme" error={errors['signature.scheme']}>
        <select {...controlProps('signature-scheme', errors['signature.scheme'])} value={form.scheme} onChange={(e) => set({ scheme: e.currentTarget.value as EndpointForm['scheme'] })}>
          {SCHEMES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </Field>
      {info.headerConfigurable && (
        <Field id="signature-header" label="Signature header" hint={`Empty for the default, ${info.header}.`} error={errors['signature.header']}>
          <input {...controlProps('signature-header', errors['signature.header'], true)} class="mono" placeholder={info.header ?? ''} value={form.signatureHeader} onInput={(e) => set({ signatureHeader: e.currentTarget.value })} />
        </Field>
      )}
      {info.prefixConfigurable && (
        <Field id="signature-prefix" label="Signature prefix" hint="Written before the hex digest, e.g. sha256=" error={errors['signature.prefix']}>
          <input {...controlProps('signature-prefix', errors['signature.prefix'], true)} class="mono" value={form.signaturePrefix} onInput={(e) => set({ signaturePrefix: e.currentTarget.value })} />
        </Field>
      )}
      {/* Beside the signature because receivers often authenticate with a header too (an API key);
          the other request settings are in the "Advanced" fold. */}
      <PairsEditor id="headers" legend="Custom headers" hint="Sent with every request, e.g. an API key your receiver expects." keyLabel="Header" pairs={form.headers} error={errors.headers} onChange={(headers) => set({ headers })} />
    </fieldset>
  );
}
