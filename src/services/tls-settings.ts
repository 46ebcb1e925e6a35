import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { TlsSettings } from '../domain/model.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Null when an endpoint's TLS settings can be used, else a message naming the field at fault.
 * Checked when the endpoint is configured: otherwise a pasted-wrong key or passphrase would only
 * show up later as every delivery failing with OpenSSL's terse "bad decrypt".
 */
export function validateTlsSettings(tls: TlsSettings | null): string | null {
  if (!tls) return null;
  if (tls.ca !== undefined) {
    const caError = checkCertificates('tls.ca', tls.ca);
    if (caError) return caError;
  }
  if (tls.cert !== undefined || tls.key !== undefined) {
    if (!tls.cert || !tls.key) return 'tls.cert and tls.key go together: a client certificate needs its private key';
    const certError = checkCertificates('tls.cert', tls.cert);
    if (certError) return certError;
    try {
      createSecureContext({ cert: tls.cert, key: tls.key, passphrase: tls.passphrase });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_OSSL_BAD_DECRYPT') {
        return tls.passphrase === undefined
          ? 'tls.key is encrypted: add its tls.passphrase'
          : 'tls.passphrase does not decrypt tls.key';
      }
      return `tls.key cannot be used with tls.cert: ${(err as Error).message}`;
    }
  } else if (tls.passphrase !== undefined) {
    return 'tls.passphrase is for an encrypted tls.key, which is missing';
  }
  return null;
}

/** Node ignores unparsable CA text silently, which would leave the user wondering why nothing is trusted. */
function checkCertificates(field: string, pem: string): string | null {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return `${field} must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)`;
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      return `${field}: certificate ${i + 1} cannot be read: ${(err as Error).message}`;
    }
  }
  return null;
}
