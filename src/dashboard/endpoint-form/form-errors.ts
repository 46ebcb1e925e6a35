import { capitalise, toFieldErrors, type FieldErrors } from '../ui/field-errors';

/** Field keys errors can attach to; dotted ones are the API's nested fields. */
export const ENDPOINT_FIELDS = [
  'url', 'name', 'description', 'disabled', 'eventTypes', 'entityTypes', 'channels', 'method', 'payloadFormat',
  'signature', 'signature.scheme', 'signature.header', 'signature.prefix', 'secret', 'timeout', 'headers',
  'query', 'tls', 'tls.ca', 'tls.cert', 'tls.key', 'tls.passphrase', 'tls.pkcs12', 'tls.caPkcs12', 'tls.caPassphrase', 'retrySchedule', 'rateLimit', 'ordering', 'filter',
  'transformation',
] as const;

/**
 * The service's errors carry a code rather than a field; each code is about one field, and for
 * the wire and TLS checks the message says which part.
 */
function fieldForCode(code: string, message: string): string | null {
  switch (code) {
    case 'invalid_url':
    case 'insecure_url':
    case 'destination_blocked':
      return 'url';
    case 'invalid_secret':
      return 'secret';
    case 'invalid_filter':
      return 'filter';
    case 'invalid_transformation':
      return 'transformation';
    case 'invalid_tls':
      return /^tls\.(caPkcs12|caPassphrase|pkcs12|ca|cert|key|passphrase)\b/.exec(message)?.[0] ?? 'tls';
    case 'invalid_wire_config':
      if (/^method GET/.test(message)) return 'method';
      if (/^signature header/.test(message) || /custom header name/.test(message)) return 'signature.header';
      if (/prefix/.test(message)) return 'signature.prefix';
      if (/^header "/.test(message)) return 'headers';
      if (/payloadFormat/.test(message) && !/^signature scheme/.test(message)) return 'payloadFormat';
      return 'signature.scheme';
    default:
      return null;
  }
}

/**
 * What to type, said for the form's own controls: the API names fields and formats the way a
 * client sends them (ISO 8601, a list), while the form takes "30s" and comma-separated text.
 */
function sentence(field: string, rest: string, message: string): string | null {
  switch (field) {
    case 'eventTypes':
      if (/letters, digits/.test(rest)) return "Use letters, digits, '.', '_', ':' or '-' in event type names (at most 128 characters, no spaces).";
      if (/same value twice/.test(rest)) return 'An event type is listed twice: pick each once.';
      return null;
    case 'entityTypes':
      return /characters/.test(rest) ? 'Each entity type is 1 to 128 characters, separated by commas.' : null;
    case 'channels':
      return "Use at most 10 channels, each of letters, digits, '.', '_', ':' or '-' (at most 128 characters), listed once.";
    case 'signature.header':
      return /header name/.test(rest) && !/custom header/.test(message)
        ? "Use a header name of letters, digits and !#$%&'*+.^_`|~- only (at most 128 characters, no spaces)."
        : null;
    case 'timeout':
      return 'Use a time from 100 ms to 15 minutes, e.g. 30s, 2m or PT30S.';
    case 'tls.pkcs12':
    case 'tls.caPkcs12': {
      // The API names its fields (tls.passphrase); the form names its controls.
      const where = field === 'tls.pkcs12' ? 'Key passphrase' : 'Trust store password';
      if (/password does not open/.test(message)) return `The password in ${where} does not open this file.`;
      if (/protected by a password/.test(message)) return `This file is protected by a password: type it in ${where}.`;
      if (/Java KeyStore/.test(message)) return 'This is a Java KeyStore (JKS): convert it to PKCS#12 with keytool -importkeystore -srckeystore in.jks -destkeystore out.p12 -deststoretype pkcs12.';
      if (/leave out tls\.cert and tls\.key/.test(message)) return 'This file holds the certificate and key: empty the PEM certificate and key fields above.';
      return null;
    }
    case 'retrySchedule':
      return /at most \d+ items/.test(rest)
        ? 'Use at most 20 delays.'
        : 'Write each delay as 5s, 5m, 2h or 1d (or ISO 8601 such as PT5S), separated by commas.';
    case 'transformation':
      // "transformation: SyntaxError: unexpected token (line 2, column 9)"
      return capitalise(message.replace(/^transformation: /, ''));
    case 'filter':
      // "filter: Unexpected token: EOF (line 1, column 14)": the field is named by its place.
      return capitalise(message.replace(/^filter: /, ''));
    case 'rateLimit':
      return 'Use a number of requests per second above 0 (at most 100000), or leave it empty for no limit.';
    case 'headers':
    case 'query': {
      // `headers["x a"] is not a valid header name: …` → `Header "x a" is not a valid header name: …`
      const named = /^(headers|query)\[("(?:[^"\\]|\\.)*")\] (.*)$/.exec(message);
      if (named) return `${named[1] === 'headers' ? 'Header' : 'Parameter'} ${named[2]} ${named[3]}`;
      return null;
    }
    default:
      return /^must not be empty$/.test(rest) ? `${capitalise(rest)}.` : null;
  }
}

/** The error key each form value answers to, so editing a field clears its (now stale) error. */
export const ERROR_KEY_OF: Record<string, string> = {
  url: 'url', name: 'name', description: 'description', enabled: 'enabled', everything: 'eventTypes', eventTypes: 'eventTypes',
  entityTypes: 'entityTypes', channels: 'channels', method: 'method', payloadFormat: 'payloadFormat', scheme: 'signature.scheme',
  signatureHeader: 'signature.header', signaturePrefix: 'signature.prefix', secret: 'secret', timeout: 'timeout',
  headers: 'headers', query: 'query', tlsCa: 'tls.ca', tlsCert: 'tls.cert', tlsKey: 'tls.key', tlsPassphrase: 'tls.passphrase',
  tlsPkcs12: 'tls.pkcs12', tlsCaPkcs12: 'tls.caPkcs12', tlsCaPassphrase: 'tls.caPassphrase',
  retrySchedule: 'retrySchedule', rateLimit: 'rateLimit', ordering: 'ordering', filter: 'filter',
  transformation: 'transformation',
};

export function endpointErrors(err: unknown): FieldErrors {
  const result = toFieldErrors(err, ENDPOINT_FIELDS, fieldForCode, sentence);
  // The API names `signature` as a whole for a missing scheme; the scheme select is where to fix it.
  if (result.fields.signature) result.fields['signature.scheme'] = result.fields.signature;
  if (result.fields.disabled) result.fields.enabled = result.fields.disabled;
  return result;
}
