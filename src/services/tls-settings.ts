import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { TlsSettings } from '../domain/model.js';
import { ApiError } from '../errors/api-errors.js';
import type { EndpointCreateBody } from '../schemas/bodies.js';
import { clientIdentityFromPkcs12, KeystoreError, trustedCertificatesFromPkcs12 } from '../security/pkcs12.js';

type TlsBody = NonNullable<EndpointCreateBody['tls']>;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The settings to store from the API's `tls`: PEM fields as given, and PKCS#12 files (base64) opened
 * here and turned into them. Only the PEM form is kept, sealed at rest like every key, so the
 * delivery side has one form to load and the API shows what was configured (certificates, hasKey).
 */
export function tlsFromBody(body: TlsBody | null): TlsSettings | null {
  if (!body || Object.keys(body).length === 0) return null;
  const { pkcs12, caPkcs12, caPassphrase, ...tls } = body;
  if (caPkcs12 !== undefined) {
    const certificates = openPkcs12('tls.caPkcs12', 'tls.caPassphrase', caPkcs12, caPassphrase, trustedCertificatesFromPkcs12);
    tls.ca = (tls.ca ? `${tls.ca.trimEnd()}\n` : '') + certificates;
  } else if (caPassphrase !== undefined) {
    throw new ApiError('invalid_tls', 'tls.caPassphrase is the password of tls.caPkcs12, which is missing');
  }
  if (pkcs12 !== undefined) {
    if (tls.cert !== undefined || tls.key !== undefined) {
      throw new ApiError('invalid_tls', 'tls.pkcs12 already holds the client certificate and its key: leave out tls.cert and tls.key');
    }
    const identity = openPkcs12('tls.pkcs12', 'tls.passphrase', pkcs12, tls.passphrase, clientIdentityFromPkcs12);
    tls.cert = identity.cert;
    tls.key = identity.key;
    // The key is stored decrypted (and sealed): the passphrase opened the file and has no further use.
    delete tls.passphrase;
  }
  return tls;
}

function openPkcs12<T>(
  field: string,
  passwordField: string,
  base64: string,
  password: string | undefined,
  open: (bytes: Uint8Array, passwords: string[], what: string) => T,
): T {
  const compact = base64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    throw new ApiError('invalid_tls', `${field} must be the base64 text of a PKCS#12 (.p12/.pfx) file`);
  }
  try {
    return open(Buffer.from(compact, 'base64'), [password ?? ''], field);
  } catch (err) {
    if (!(err instanceof KeystoreError)) throw err;
    const aboutPassword = /password/.test(err.message);
    throw new ApiError('invalid_tls', aboutPassword ? `${err.message} (${passwordField})` : err.message);
  }
}

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
