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
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'transfer-encoding',
  'connection',
]);

/**
 * Reserved whatever the scheme, so a signature header may not take one of these names either; nor
 * `user-agent`, which an endpoint may set as a custom header (it replaces `Herald/<version>`).
 */
export function isAlwaysReserved(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'user-agent' || ALWAYS_RESERVED.has(lower);
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

/**
 * Why a custom header can never be sent as configured, or null when it can. Checked when an endpoint
 * is configured (API, PATCH, config file) so a bad header is refused at once instead of failing every
 * attempt later. Values follow RFC 9110 field-value: no CR, LF, NUL or other control character except
 * a tab inside. Leading or trailing spaces and tabs are refused too rather than trimmed: HTTP parsers
 * strip them, so the receiver would never see the value as stored, and Herald does not edit settings.
 */
const MAX_HEADER_NAME_LENGTH = 128;

export function customHeaderProblem(name: string, value: string, sig: SignatureConfig): string | null {
  if (name === '') return 'has an empty name';
  if (name.length > MAX_HEADER_NAME_LENGTH) return `has a name longer than ${MAX_HEADER_NAME_LENGTH} characters`;
  if (!HEADER_NAME.test(name)) {
    return "is not a valid header name: use letters, digits and !#$%&'*+-.^_`|~ only (an RFC 9110 token: no spaces, colons or control characters)";
  }
  if (isReservedHeader(name, sig)) return 'is set by Herald and cannot be overridden';
  if (!HEADER_VALUE.test(value)) {
    return 'has a value that cannot be sent: no CR, LF, NUL or other control characters (a tab is fine), and only Latin-1 text';
  }
  if (/^[ \t]|[ \t]$/.test(value)) return 'has a value with leading or trailing whitespace, which HTTP strips: remove it';
  return null;
}
