import { toFieldErrors, type FieldErrors } from '../ui/field-errors';

/** Field keys errors can attach to; dotted ones are the API's nested fields. */
export const ENDPOINT_FIELDS = [
  'url', 'name', 'description', 'disabled', 'eventTypes', 'entityTypes', 'method', 'payloadFormat',
  'signature', 'signature.scheme', 'signature.header', 'signature.prefix', 'secret', 'timeout', 'headers',
  'query', 'tls', 'tls.ca', 'tls.cert', 'tls.key', 'tls.passphrase', 'retrySchedule', 'rateLimit',
] as const;

/**
 * The service's errors carry a code rather than a `body.<field>` path; each code is about one
 * field, and for the wire and TLS checks the message says which part.
 */
function fieldForCode(code: string, message: string): string | null {
  switch (code) {
    case 'invalid_url':
    case 'insecure_url':
    case 'destination_blocked':
      return 'url';
    case 'invalid_secret':
      return 'secret';
    case 'invalid_tls':
      return /^tls\.(ca|cert|key|passphrase)\b/.exec(message)?.[0] ?? 'tls';
    case 'invalid_wire_config':
      if (/^method GET/.test(message)) return 'method';
      if (/^signature header/.test(message) || /custom header name/.test(message)) return 'signature.header';
      if (/prefix/.test(message)) return 'signature.prefix';
      if (/^header "/.test(message)) return 'headers';
      if (/payloadFormat/.test(message) && !/^signature scheme/.test(message)) return 'payloadFormat';
      return 'signature.scheme';
    case 'validation_error':
      if (/^headers?[[ "]/.test(message)) return 'headers';
      if (/^query\[/.test(message)) return 'query';
      if (/^timeout /.test(message)) return 'timeout';
      if (/^retrySchedule[[ ]/.test(message)) return 'retrySchedule';
      return null;
    default:
      return null;
  }
}

/** The error key each form value answers to, so editing a field clears its (now stale) error. */
export const ERROR_KEY_OF: Record<string, string> = {
  url: 'url', name: 'name', description: 'description', enabled: 'enabled', everything: 'eventTypes', eventTypes: 'eventTypes',
  entityTypes: 'entityTypes', method: 'method', payloadFormat: 'payloadFormat', scheme: 'signature.scheme',
  signatureHeader: 'signature.header', signaturePrefix: 'signature.prefix', secret: 'secret', timeoutSeconds: 'timeout',
  headers: 'headers', query: 'query', tlsCa: 'tls.ca', tlsCert: 'tls.cert', tlsKey: 'tls.key', tlsPassphrase: 'tls.passphrase',
  retrySchedule: 'retrySchedule', rateLimit: 'rateLimit',
};

export function endpointErrors(err: unknown): FieldErrors {
  const result = toFieldErrors(err, ENDPOINT_FIELDS, fieldForCode);
  // The API names `signature` as a whole for a missing scheme; the scheme select is where to fix it.
  if (result.fields.signature) result.fields['signature.scheme'] = result.fields.signature;
  if (result.fields.disabled) result.fields.enabled = result.fields.disabled;
  return result;
}
