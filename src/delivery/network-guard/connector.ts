// Connect-time guard: the real security boundary. The create-time URL check can be
// defeated by DNS rebinding (a name that resolved to a public IP at creation and to
// 127.0.0.1 at delivery), so here we vet the exact address the socket connects to.
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { blockedAddressError } from './errors.js';
import { explainBlock, type BlockReason, type NetworkPolicy } from './ranges.js';

type DnsLookup = typeof dns.lookup;

/**
 * A `lookup` for net/tls.connect that resolves with the injected resolver, drops
 * blocked addresses and fails with BlockedDestinationError when none remain. Because
 * net.connect connects only to what `lookup` returns, the address we vet is the
 * address used — there is no second resolution for an attacker to race.
 */
function guardedLookup(policy: NetworkPolicy, resolve: DnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    // Always ask for every address so one blocked answer does not hide allowed ones.
    resolve(hostname, { ...options, all: true }, (err: NodeJS.ErrnoException | null, result: string | dns.LookupAddress[], family?: number) => {
      if (err) return callback(err, '', 0);
      // Tolerate resolvers that ignore `all` and answer with a single address.
      const answers: dns.LookupAddress[] = typeof result === 'string' ? [{ address: result, family: family ?? isIP(result) }] : result;
      const allowed: dns.LookupAddress[] = [];
      let firstBlocked: BlockReason | null = null;
      for (const a of answers) {
        const reason = explainBlock(a.address, policy);
        if (reason) firstBlocked ??= reason;
        else allowed.push(a);
      }
      if (allowed.length === 0) {
        const e: NodeJS.ErrnoException = firstBlocked
          ? blockedAddressError(hostname, firstBlocked, `"${hostname}" resolved only to blocked addresses at connect time`)
          : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
        return callback(e, '', 0);
      }
      // net.connect asks for `all` only when autoSelectFamily (happy eyeballs) is on;
      // otherwise it expects the single-address callback form.
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/**
 * Returns an undici `connect` function (for `new Agent({ connect })`) that refuses
 * blocked destinations. `baseOptions` go to undici's buildConnector unchanged,
 * except `lookup`, which is always ours.
 */
export function guardedConnector(
  policy: NetworkPolicy,
  baseOptions: Record<string, unknown> = {},
  lookup: DnsLookup = dns.lookup,
): buildConnector.connector {
  if (baseOptions.socketPath != null) {
    // A unix socket has no IP address to vet; refusing beats silently bypassing the guard.
    throw new TypeError('guardedConnector: socketPath cannot be guarded; remove it from the connector options');
  }
  const inner = buildConnector({ ...baseOptions, lookup: guardedLookup(policy, lookup) } as buildConnector.BuildOptions);

  return (options, callback) => {
    // net.connect skips `lookup` entirely for IP literals, so vet those here.
    // undici already strips IPv6 brackets; stripping again costs nothing.
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      const reason = explainBlock(host, policy);
      if (reason) {
        const err = blockedAddressError(host, reason);
        // Keep the callback asynchronous, as undici's own connector is.
        process.nextTick(() => callback(err, null));
        return;
      }
    }
    inner(options, callback);
  };
}
