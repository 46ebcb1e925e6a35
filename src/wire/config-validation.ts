import { HEADER_NAME, HEADER_VALUE, isAlwaysReserved, isReservedHeader } from './reserved-headers.js';
import { SCHEME_PRESETS } from './scheme-presets.js';
import { PAYLOAD_FORMATS, SIGNATURE_SCHEMES, type PayloadFormat, type SignatureConfig } from './types.js';

export interface WireConfig {
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  signature: SignatureConfig;
  /** Optional so callers can validate custom headers here too, at configuration time. */
  headers?: Record<string, string>;
}

const MAX_PREFIX_LENGTH = 64;

function validateSignature(cfg: WireConfig): string | null {
  const { scheme, header, prefix } = cfg.signature;
  if (!SIGNATURE_SCHEMES.includes(scheme)) return `unknown signature scheme "${String(scheme)}"`;
  const preset = SCHEME_PRESETS[scheme];

  if (scheme === 'entity-path' && cfg.payloadFormat !== 'entity-ref') {
    return 'signature scheme "entity-path" requires payloadFormat "entity-ref"';
  }
  // A GET has no body, so a body-signing scheme would sign '' (plus at most id and time) and leave
  // the entity in the path unauthenticated; for hmac-sha256 every request would even carry the same value.
  if (cfg.method === 'GET' && preset.header !== null && !preset.content.includes('{entityId}')) {
    return `signature scheme "${scheme}" signs the request body, which a GET request does not have: use "entity-path" or "none"`;
  }

  if (header !== undefined) {
    if (!preset.headerConfigurable) return `signature scheme "${scheme}" does not allow a custom header name`;
    if (!HEADER_NAME.test(header)) return `signature header "${header}" is not a valid HTTP header name`;
    if (isAlwaysReserved(header)) return `signature header "${header}" is reserved`;
  }
  if (prefix !== undefined) {
    if (!preset.prefixConfigurable) return `signature scheme "${scheme}" does not allow a prefix`;
    if (prefix.length > MAX_PREFIX_LENGTH || !/^[\x21-\x7e]*$/.test(prefix)) {
      return `signature prefix must be at most ${MAX_PREFIX_LENGTH} visible ASCII characters`;
    }
  }
  return null;
}

function validateHeaders(cfg: WireConfig): string | null {
  for (const [name, value] of Object.entries(cfg.headers ?? {})) {
    if (!HEADER_NAME.test(name)) return `header "${name}" is not a valid HTTP header name`;
    if (isReservedHeader(name, cfg.signature)) return `header "${name}" is reserved and set by Herald`;
    if (!HEADER_VALUE.test(value)) return `header "${name}" has a value with control characters`;
  }
  return null;
}

/** Null when the endpoint's wire configuration is usable, else a message saying why not. */
export function validateWireConfig(cfg: WireConfig): string | null {
  if (cfg.method !== 'POST' && cfg.method !== 'GET') return `method must be "POST" or "GET"`;
  if (!PAYLOAD_FORMATS.includes(cfg.payloadFormat)) return `unknown payloadFormat "${String(cfg.payloadFormat)}"`;
  if (cfg.method === 'GET' && cfg.payloadFormat !== 'entity-ref') return 'method GET requires payloadFormat "entity-ref"';
  return validateSignature(cfg) ?? validateHeaders(cfg);
}
