// Create-time check of an endpoint URL. It gives the operator an immediate, clear
// refusal for obviously bad destinations; it is NOT the security boundary on its own
// (DNS can change after this runs), the connect-time guard in connector.ts is.
import { isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { blockedAddressError, BlockedDestinationError, InvalidUrlError } from './errors.js';
import { explainBlock, type BlockReason, type NetworkPolicy } from './ranges.js';

export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const defaultLookupAll: LookupAll = (hostname) => dnsLookup(hostname, { all: true });

// A slow resolver must not stall endpoint creation; a timeout is treated like any
// other DNS failure (accepted, connect-time guard still applies).
const DNS_TIMEOUT_MS = 5_000;

/** `[::1]` → `::1`; `localhost.` → `localhost` (a trailing dot is the same name, fully qualified). */
export function normaliseHost(hostname: string): string {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) return h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** RFC 6761: `localhost` and every `*.localhost` name always mean this machine. */
export function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS lookup timed out')), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function truncate(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export async function assertUrlAllowed(url: string, policy: NetworkPolicy, lookup: LookupAll = defaultLookupAll): Promise<void> {
  let parsed: URL;
  try {
    // WHATWG parsing already canonicalises hostile IPv4 spellings (2130706433,
    // 0177.0.0.1, 0x7f.1, 127.1, full-width digits) to dotted decimal, and IPv6 to
    // compressed form, so everything below sees one spelling per address.
    parsed = new URL(url);
  } catch {
    throw new InvalidUrlError(`Invalid endpoint URL: "${truncate(url)}" is not an absolute URL.`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in the URL would be sent to the receiver and logged with the endpoint.
    throw new InvalidUrlError('Invalid endpoint URL: credentials (user:pass@) are not allowed in endpoint URLs; use endpoint headers instead.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BlockedDestinationError(
      `Destination "${truncate(url)}" is blocked: scheme "${parsed.protocol.replace(/:$/, '')}" is not allowed (range: scheme); endpoints must use http or https.`,
      { range: 'scheme', host: parsed.hostname },
    );
  }

  const host = normaliseHost(parsed.hostname);
  if (host === '') throw new InvalidUrlError(`Invalid endpoint URL: "${truncate(url)}" has no host.`);

  if (isLocalhostName(host)) {
    // Never ask DNS about these: resolvers may answer anything, but the OS (and
    // RFC 6761) route them to loopback. Judge them as the loopback addresses they
    // are, with the same "every answer blocked" rule as resolved names below.
    const reasons = ['127.0.0.1', '::1'].map((loop) => explainBlock(loop, policy));
    if (reasons[0] && reasons[1]) throw blockedAddressError(parsed.hostname, reasons[0], `"${host}" is a localhost name, meaning this machine`);
    return;
  }

  if (isIP(host) !== 0) {
    const reason = explainBlock(host, policy);
    if (reason) throw blockedAddressError(parsed.hostname, reason);
    return;
  }

  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await withTimeout(lookup(host), DNS_TIMEOUT_MS);
  } catch {
    // Unresolvable now (ENOTFOUND, timeout…) is not proof of danger: the name may be
    // created later. Accept; the connect-time guard checks whatever it resolves to then.
    return;
  }
  // Only refuse when EVERY answer is blocked. Mixed answers are accepted here and
  // the connect-time guard filters out the blocked ones.
  let first: BlockReason | null = null;
  for (const { address } of addresses) {
    const reason = explainBlock(address, policy);
    if (!reason) return;
    first ??= reason;
  }
  if (first) throw blockedAddressError(parsed.hostname, first, `"${host}" resolves only to blocked addresses`);
}
