// Address classification: which IPs Herald refuses to contact, and why.
//
// All parsing and CIDR matching goes through ipaddr.js. Our own tables exist only
// where ipaddr.js's built-in `range()` is too coarse (it lumps documentation and
// benchmarking into "reserved") or does not know a range at all (cloud metadata).
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Addr = IPv4 | IPv6;
type RangeTable = Record<string, Array<[Addr, number]>>;

export interface NetworkPolicy {
  /** Lifts every non-public range except cloud metadata (see `metadata` below). */
  allowPrivateNetworks: boolean;
  /** CIDRs (or bare IPs) that may be contacted even though they are in a blocked range. */
  allowedNetworks: string[];
}

/** Why an address is blocked. `embedded` is set when a v6 address carries a v4 address that decided it. */
export interface BlockReason {
  range: string;
  address: string;
  embedded?: string;
}

function table(spec: Record<string, string[]>): RangeTable {
  const out: RangeTable = {};
  for (const [name, cidrs] of Object.entries(spec)) out[name] = cidrs.map((c) => ipaddr.parseCIDR(c));
  return out;
}

// Cloud metadata services hand out credentials, so they are checked first and are
// NOT lifted by allowPrivateNetworks (an operator allowing their LAN almost never
// means "let tenants read my instance role"). Only an explicit allowedNetworks
// entry covering the address lifts them.
const METADATA = table({
  metadata: [
    '169.254.169.254/32', // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle…
    '169.254.170.2/32', // AWS ECS task metadata / credentials
    '169.254.170.23/32', // AWS EKS Pod Identity agent
    '100.100.100.200/32', // Alibaba Cloud
    '168.63.129.16/32', // Azure WireServer (publicly-numbered, host-only service)
    '192.0.0.192/32', // Oracle Cloud (legacy)
    'fd00:ec2::254/128', // AWS IMDS over IPv6
    'fd00:ec2::23/128', // AWS EKS Pod Identity agent over IPv6
  ],
});

// Order matters: the first matching name wins (subnetMatch walks keys in order),
// so broadcast precedes the 240/4 "reserved" block that contains it.
const V4 = table({
  unspecified: ['0.0.0.0/8'],
  loopback: ['127.0.0.0/8'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  linkLocal: ['169.254.0.0/16'],
  carrierGradeNat: ['100.64.0.0/10'],
  multicast: ['224.0.0.0/4'],
  broadcast: ['255.255.255.255/32'],
  benchmarking: ['198.18.0.0/15'],
  documentation: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
  reserved: ['240.0.0.0/4', '192.0.0.0/24', '192.88.99.0/24'],
});

// v6 ranges ipaddr.js either lumps into "reserved" or does not name the way we want.
const V6 = table({
  documentation: ['2001:db8::/32', '3fff::/20'],
  // Local-use NAT64 (RFC 8215): the embedded v4 position depends on the operator's
  // prefix length, so it cannot be decoded reliably; it is never a public destination.
  nat64LocalUse: ['64:ff9b:1::/48'],
});

// ipaddr.js range names that denote ordinary, globally reachable unicast space.
const PUBLIC_V4 = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_V6 = new Set(['unicast', 'as112v6', 'amt', 'orchid2', 'droneRemoteIdProtocolEntityTags']);
// Only 2000::/3 is allocated for global unicast; anything else unnamed is IETF-reserved.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Parses an IP literal (brackets and zone id tolerated); null if it is not one. */
export function parseIp(ip: string): Addr | null {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // Lenient on purpose: ipaddr.js, like inet_aton, reads 0177.1 / 0x7f000001 as
  // 127.0.0.1, so odd spellings classify as the address the OS would really use.
  if (!ipaddr.isValid(s)) return null;
  return ipaddr.parse(s);
}

function v4FromWords(hi: number, lo: number): IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function classifyV4(addr: IPv4): string | null {
  const own = ipaddr.subnetMatch(addr, METADATA, '') || ipaddr.subnetMatch(addr, V4, '');
  if (own) return own;
  // Belt and braces: if a future ipaddr.js learns a special range we did not list, honour it.
  const lib = addr.range();
  return PUBLIC_V4.has(lib) ? null : lib;
}

/** Range name blocking a v6 address (policy not applied), with the embedded v4 that decided it, if any. */
function classifyV6(addr: IPv6): { range: string; embedded?: IPv4 } | null {
  const own = ipaddr.subnetMatch(addr, METADATA, '') || ipaddr.subnetMatch(addr, V6, '');
  if (own) return { range: own };
  const p = addr.parts;
  const lib = addr.range();
  // Families that carry an IPv4 address. A blocked embedded v4 blocks the v6 form.
  const embedded = (v4: IPv4, fallback: string | null) => {
    const r = classifyV4(v4);
    if (r) return { range: r, embedded: v4 };
    return fallback ? { range: fallback, embedded: v4 } : null;
  };
  switch (lib) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d — a dual-stack socket really connects to a.b.c.d
      return embedded(addr.toIPv4Address(), null);
    case 'rfc6145': // ::ffff:0:a.b.c.d — translated form, never a real destination
      return embedded(v4FromWords(p[6], p[7]), 'rfc6145');
    case 'rfc6052': // 64:ff9b::/96 NAT64: the gateway forwards to the embedded v4
      return embedded(v4FromWords(p[6], p[7]), null);
    case '6to4': // 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD
      return embedded(v4FromWords(p[1], p[2]), null);
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC — server v4, then client v4 bit-inverted.
      const client = embedded(v4FromWords(p[6] ^ 0xffff, p[7] ^ 0xffff), null);
      return client ?? embedded(v4FromWords(p[2], p[3]), null);
    }
    case 'unicast':
      // ::a.b.c.d (deprecated IPv4-compatible, ::/96 minus :: and ::1 which range() names).
      if (p.slice(0, 6).every((w) => w === 0)) return embedded(v4FromWords(p[6], p[7]), 'ipv4Compatible');
      break;
  }
  if (!PUBLIC_V6.has(lib)) return { range: lib };
  return addr.match(GLOBAL_UNICAST_V6) ? null : { range: 'reserved' };
}

function classify(addr: Addr): { range: string; embedded?: IPv4 } | null {
  if (addr.kind() === 'ipv4') {
    const r = classifyV4(addr as IPv4);
    return r ? { range: r } : null;
  }
  return classifyV6(addr as IPv6);
}

/** Parses allowedNetworks entries; bare IPs mean a single host. Throws on a malformed entry. */
export function parseAllowedNetworks(list: readonly string[]): Array<[Addr, number]> {
  return list.map((entry) => {
    const s = entry.trim();
    if (ipaddr.isValidCIDR(s)) return ipaddr.parseCIDR(s);
    const ip = parseIp(s);
    if (ip) return [ip, ip.kind() === 'ipv4' ? 32 : 128] as [Addr, number];
    throw new Error(`invalid network "${entry}" in allowed networks: expected a CIDR such as 10.0.0.0/8 or fd00::/8`);
  });
}

function isExplicitlyAllowed(addr: Addr, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  // An IPv4-mapped v6 address is the same destination as its v4 form, so a v4 CIDR covers it.
  const candidates: Addr[] = [addr];
  if (addr.kind() === 'ipv6' && (addr as IPv6).isIPv4MappedAddress()) candidates.push((addr as IPv6).toIPv4Address());
  for (const entry of allowed) {
    let net: [Addr, number];
    try {
      [net] = parseAllowedNetworks([entry]);
    } catch {
      continue; // a malformed entry allows nothing (fail closed); config validation reports it
    }
    if (candidates.some((c) => c.kind() === net[0].kind() && c.match(net))) return true;
  }
  return false;
}

/** Full verdict for one address under a policy; null means it may be contacted. */
export function explainBlock(ip: string, policy: NetworkPolicy): BlockReason | null {
  const addr = parseIp(ip);
  if (!addr) return { range: 'invalid', address: ip };
  const verdict = classify(addr);
  if (!verdict) return null;
  if (isExplicitlyAllowed(addr, policy.allowedNetworks ?? [])) return null;
  if (policy.allowPrivateNetworks && verdict.range !== 'metadata') return null;
  return { range: verdict.range, address: addr.toString(), embedded: verdict.embedded?.toString() };
}

/** null if `ip` may be contacted under `policy`, else the name of the range that blocks it. */
export function blockedRange(ip: string, policy: NetworkPolicy): string | null {
  return explainBlock(ip, policy)?.range ?? null;
}
