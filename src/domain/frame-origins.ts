import { ApiError } from '../errors/api-errors.js';

// The sites allowed to frame a tenant's portal (CSP `frame-ancestors`, docs/embedding.md). Each is
// one exact origin: scheme, host and optional port, nothing else. No wildcards: `*.example.com`
// would let any subdomain frame the portal, including ones a product hands to its own customers.
// Plain http only for loopback hosts (local development): a page served over http can be rewritten
// in transit, which would give anyone on the network a page allowed to frame the portal.

export const MAX_FRAME_ORIGINS = 20;

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
const isLoopback = (host: string) => LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);

/** The origin in its canonical form (lower case, default port dropped), or why it is refused. */
export function parseFrameOrigin(text: string): { origin: string } | { problem: string } {
  if (text.includes('*')) return { problem: 'wildcards are not supported: list each origin' };
  // Scheme, "://", then an authority with no path, query or fragment (not even a trailing "/").
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]+$/.test(text)) {
    return { problem: 'must be an origin: scheme, host and optional port (https://app.example.com[:8443]), with no path' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'is not a valid origin' };
  }
  if (url.username || url.password) return { problem: 'must not contain a user name or password' };
  if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname)) return { problem: 'must use https (http is allowed for localhost, 127.0.0.1 and [::1] only)' };
  } else if (url.protocol !== 'https:') {
    return { problem: 'must use https' };
  }
  return { origin: url.origin };
}

/** Validates a list from a request: 400 naming the first bad origin; duplicates collapse. */
export function checkFrameOrigins(list: readonly string[], field = 'allowedOrigins'): string[] {
  if (list.length > MAX_FRAME_ORIGINS) throw new ApiError('validation_error', `${field} may list at most ${MAX_FRAME_ORIGINS} origins`);
  const out: string[] = [];
  for (const text of list) {
    const parsed = parseFrameOrigin(text);
    if ('problem' in parsed) throw new ApiError('validation_error', `${field}: "${text}" ${parsed.problem}`, { origin: text });
    if (!out.includes(parsed.origin)) out.push(parsed.origin);
  }
  return out;
}
