import { controlProps, Field } from '../ui/field';
import type { EndpointForm } from './form-state';
import { Pkcs12FileField } from './pkcs12-file-field';

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
      <Pkcs12FileField
        id="tls-pkcs12"
        label="Client certificate and key as PKCS#12 (.p12/.pfx)"
        hint="Instead of the PEM certificate and key above; its password goes in Key passphrase. Stored as PEM, the key encrypted."
        error={errors['tls.pkcs12']}
        fileName={form.tlsPkcs12Name}
        onFile={(tlsPkcs12, tlsPkcs12Name) => change({ tlsPkcs12, tlsPkcs12Name })}
      />
      <Field id="tls-passphrase" label="Key passphrase" hint="For an encrypted private key or a PKCS#12 file." error={errors['tls.passphrase']}>
        <input {...controlProps('tls-passphrase', errors['tls.passphrase'], true)} type="password" autocomplete="off" value={form.tlsPassphrase} onInput={(e) => change({ tlsPassphrase: e.currentTarget.value })} />
      </Field>
      <Pkcs12FileField
        id="tls-ca-pkcs12"
        label="Trust store as PKCS#12 (.p12/.pfx)"
        hint="Certificates to trust, added to the trusted CA certificates above."
        error={errors['tls.caPkcs12']}
        fileName={form.tlsCaPkcs12Name}
        onFile={(tlsCaPkcs12, tlsCaPkcs12Name) => change({ tlsCaPkcs12, tlsCaPkcs12Name })}
      />
      {form.tlsCaPkcs12 && (
        <Field id="tls-ca-passphrase" label="Trust store password" hint="Leave empty for a trust store without one." error={errors['tls.caPassphrase']}>
          <input {...controlProps('tls-ca-passphrase', errors['tls.caPassphrase'], true)} type="password" autocomplete="off" value={form.tlsCaPassphrase} onInput={(e) => change({ tlsCaPassphrase: e.currentTarget.value })} />
        </Field>
      )}
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
