// OpenSSL's verification errors name the failed check but not the consequence or the fix; an
// attempt's error is what a user reads first when deliveries to an HTTPS endpoint fail.

/** The receiver's chain does not lead to a CA Herald trusts: a private CA or a self-signed certificate. */
const UNTRUSTED_ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

const OTHER_VERIFICATION_FAILURES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The receiver answered, but not in TLS: nearly always a plain-HTTP server behind an https:// URL.
 * OpenSSL's own text for these is a multi-line internal trace (file names and line numbers).
 */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_UNKNOWN_PROTOCOL']);

/** A clear message when `err` (or its cause) is a failed server-certificate check or a non-TLS answer, else null. */
export function describeTlsFailure(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { message?: string; code?: string; cause?: unknown };
    if (e.code && UNTRUSTED_ISSUER.has(e.code)) {
      return `TLS certificate verification failed: ${e.message} (${e.code}); if the receiver uses a private CA or a self-signed certificate, add it to the endpoint as tls.ca`;
    }
    if (e.code && OTHER_VERIFICATION_FAILURES.has(e.code)) {
      return `TLS certificate verification failed: ${e.message} (${e.code})`;
    }
    if (e.code && NOT_TLS.has(e.code)) {
      return `TLS handshake failed: the receiver did not answer in TLS (${e.code}); if it serves plain HTTP, use an http:// URL`;
    }
    current = e.cause;
  }
  return null;
}
