import { controlProps, Field } from '../ui/field';
import type { EndpointForm } from './form-state';

interface Props {
  form: EndpointForm;
  errors: Record<string, string>;
  set: (patch: Partial<EndpointForm>) => void;
}

const PEM_HINT = 'PEM text, -----BEGIN … -----';

/** Custom CA, client certificate (mutual TLS) and, as a loud opt-in, skipping verification. */
export function TlsFields({ form, errors, set }: Props) {
  // Marks TLS as touched, so an edit that never opens these fields leaves the stored key alone.
  const change = (patch: Partial<EndpointForm>) => set({ ...patch, tlsTouched: true });
  const pem = (id: string, key: 'tlsCa' | 'tlsCert' | 'tlsKey', label: string, hint: string, error?: string) => (
    <Field id={id} label={label} hint={hint} error={error}>
      <textarea {...controlProps(id, error, true)} class="mono" rows={3} spellcheck={false} value={form[key]} onInput={(e) => change({ [key]: e.currentTarget.value })} />
    </Field>
  );
  return (
    <fieldset class="section">
      <legend>TLS (https endpoints)</legend>
      {errors.tls && <p class="field-error" role="alert" data-field-error="tls">{errors.tls}</p>}
      {pem('tls-ca', 'tlsCa', 'Trusted CA certificates', `Trust these instead of the public CAs. ${PEM_HINT}`, errors['tls.ca'])}
      {pem('tls-cert', 'tlsCert', 'Client certificate', `Sent to receivers that require mutual TLS. ${PEM_HINT}`, errors['tls.cert'])}
      {pem(
        'tls-key',
        'tlsKey',
        'Client private key',
        form.tlsHasKey && !form.tlsTouched
          ? 'A key is stored; it is never shown. Changing any TLS setting replaces all of them, so paste the key again then.'
          : `Kept encrypted; never shown again. ${PEM_HINT}`,
        errors['tls.key'],
      )}
      <Field id="tls-passphrase" label="Key passphrase" hint="Only for an encrypted private key." error={errors['tls.passphrase']}>
        <input {...controlProps('tls-passphrase', errors['tls.passphrase'], true)} type="password" autocomplete="off" value={form.tlsPassphrase} onInput={(e) => change({ tlsPassphrase: e.currentTarget.value })} />
      </Field>
      <label class="inline warning-option">
        <input type="checkbox" checked={form.tlsInsecure} onChange={(e) => change({ tlsInsecure: e.currentTarget.checked })} aria-describedby="tls-insecure-hint" />
        Skip certificate verification
      </label>
      <p class="hint" id="tls-insecure-hint">
        Only for testing: anyone on the network path could then pose as the receiver.
      </p>
    </fieldset>
  );
}
