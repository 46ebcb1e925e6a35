import { resolveScheme } from './scheme-presets.js';
import type { SignatureConfig } from './types.js';

/**
 * Headers Herald owns on every request. Besides the documented ones, transfer-encoding and
 * connection are here because they frame the request itself; letting a custom header set them can
 * corrupt the message or make the HTTP client reject it.
 */
const ALWAYS_RESERVED: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'transfer-encoding',
  'connection',
]);

/** Reserved whatever the scheme, so a signature header may not take one of these names either. */
export function isAlwaysReserved(name: string): boolean {
  return ALWAYS_RESERVED.has(name.toLowerCase());
}

/** Lower-case names custom headers may not set for an endpoint with this signature config. */
export function reservedHeaderNames(sig: SignatureConfig): ReadonlySet<string> {
  const scheme = resolveScheme(sig);
  const names = new Set(ALWAYS_RESERVED);
  if (scheme.header !== null) names.add(scheme.header.toLowerCase());
  for (const [name] of scheme.extraHeaders) names.add(name.toLowerCase());
  return names;
}

export function isReservedHeader(name: string, sig: SignatureConfig): boolean {
  return reservedHeaderNames(sig).has(name.toLowerCase());
}

/** RFC 9110 token: what Node's HTTP stack accepts as a header name. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Tab, printable ASCII and Latin-1 (what Node sends); CR or LF in a value would inject further headers. */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
