// Network rule for this suite: the only sockets opened go to 127.0.0.0/8. Public
// addresses appear only as IP literals given to assertUrlAllowed (which does no I/O
// for literals) and every resolver is a fake, so no real DNS query is made either.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type dns from 'node:dns';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import {
  assertUrlAllowed,
  blockedRange,
  BlockedDestinationError,
  guardedConnector,
  InvalidUrlError,
  parseAllowedNetworks,
  type LookupAll,
  type NetworkPolicy,
} from '../../src/delivery/network-guard.js';

const STRICT: NetworkPolicy = { allowPrivateNetworks: false, allowedNetworks: [] };
const OPEN: NetworkPolicy = { allowPrivateNetworks: true, allowedNetworks: [] };
const allow = (...cidrs: string[]): NetworkPolicy => ({ allowPrivateNetworks: false, allowedNetworks: cidrs });

/** Create-time resolver fake; records every name it is asked about. */
function fakeLookupAll(answers: Record<string, string[]>): LookupAll & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const a = answers[hostname];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

/** Connect-time resolver fake with node's dns.lookup callback signature. */
function fakeDnsLookup(answers: Record<string, string[]>) {
  const calls: Array<{ hostname: string; all: boolean }> = [];
  const fn = (hostname: string, options: dns.LookupOptions, cb: (err: Error | null, a: string | dns.LookupAddress[], f?: number) => void) => {
    calls.push({ hostname, all: options.all === true });
    const list = (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    process.nextTick(() => {
      if (list.length === 0) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) cb(null, list);
      else cb(null, list[0].address, list[0].family);
    });
  };
  return { lookup: fn as unknown as typeof dns.lookup, calls };
}

/** Finds a BlockedDestinationError anywhere in an error's cause chain. */
function findBlocked(err: unknown): BlockedDestinationError | undefined {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlockedDestinationError) return e;
  }
  return undefined;
}

async function expectBlocked(url: string, policy: NetworkPolicy, lookup?: LookupAll): Promise<BlockedDestinationError> {
  const err = await assertUrlAllowed(url, policy, lookup).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${url} should be refused`).toBeInstanceOf(BlockedDestinationError);
  return err as BlockedDestinationError;
}

describe('assertUrlAllowed: hostile URLs are refused without any DNS lookup', () => {
  // [url, range named in the error]
  const hostile: Array<[string, string]> = [
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.0.0.2:8080/hook', 'loopback'],
    ['https://127.0.0.1:443/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal
    ['http://0177.0.0.1/', 'loopback'], // octal
    ['http://0x7f.0.0.1/', 'loopback'], // hex octet
    ['http://0x7f000001/', 'loopback'], // hex integer
    ['http://017700000001/', 'loopback'], // octal integer
    ['http://127.1/', 'loopback'], // short form
    ['http://127.000.000.001/', 'loopback'], // zero padded
    ['http://127.0.0.1./', 'loopback'], // trailing dot on a literal
    ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', 'loopback'], // full-width digits
    ['http://127\u30020\u30020\u30021/', 'loopback'], // ideographic full stops
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST:3000/', 'loopback'],
    ['http://localhost./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://a.b.localhost./', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped, dotted
    ['http://[::ffff:7f00:1]/', 'loopback'], // IPv4-mapped, hex
    ['http://[::127.0.0.1]/', 'loopback'], // IPv4-compatible (deprecated)
    ['http://[::ffff:0:127.0.0.1]/', 'loopback'], // IPv4-translated (RFC 6145)
    ['http://[64:ff9b::127.0.0.1]/', 'loopback'], // NAT64 with embedded loopback
    ['http://[64:ff9b::10.0.0.1]/', 'private'], // NAT64 with embedded private
    ['http://[2002:7f00:1::1]/', 'loopback'], // 6to4 of 127.0.0.1
    ['http://[2002:c0a8:101::1]/', 'private'], // 6to4 of 192.168.1.1
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'loopback'], // Teredo, client 127.0.0.1
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://0300.0250.0.1/', 'private'], // octal 192.168.0.1
    ['http://[::ffff:192.168.0.1]/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://0xA9FEA9FE/', 'metadata'], // hex 169.254.169.254
    ['http://2852039166/', 'metadata'], // decimal 169.254.169.254
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://169.254.1.1/', 'linkLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://100.127.255.254/', 'carrierGradeNat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://198.18.0.1/', 'benchmarking'],
    ['http://198.19.255.1/', 'benchmarking'],
    ['http://192.0.2.1/', 'documentation'],
    ['http://203.0.113.9/', 'documentation'],
    ['http://[2001:db8::1]/', 'documentation'],
    ['http://[fc00::1]/', 'uniqueLocal'],
    ['http://[fd12:3456::1]/', 'uniqueLocal'],
    ['http://[fec0::1]/', 'deprecatedSiteLocal'],
    ['http://[64:ff9b:1::1]/', 'nat64LocalUse'],
    ['http://[100::1]/', 'discard'],
  ];

  it('covers every class of blocked destination, each in IPv4 and IPv6 spellings where both exist', () => {
    // Written out (not read from ranges.ts): a class that loses its row in the table fails here.
    const classes = new Set(hostile.map(([, range]) => range));
    expect([...classes].sort()).toEqual([
      'benchmarking', 'broadcast', 'carrierGradeNat', 'deprecatedSiteLocal', 'discard', 'documentation', 'linkLocal',
      'loopback', 'metadata', 'multicast', 'nat64LocalUse', 'private', 'reserved', 'uniqueLocal', 'unspecified',
    ]);
    for (const range of ['loopback', 'unspecified', 'metadata', 'linkLocal', 'multicast', 'documentation', 'private']) {
      const urls = hostile.filter(([, r]) => r === range).map(([url]) => url);
      expect(urls.some((u) => u.includes('[')), `${range}: an IPv6 spelling`).toBe(true);
      expect(urls.some((u) => !u.includes('[')), `${range}: an IPv4 spelling`).toBe(true);
    }
  });

  it.each(hostile)('%s → %s', async (url, range) => {
    const lookup = fakeLookupAll({});
    const err = await expectBlocked(url, STRICT, lookup);
    expect(err.code).toBe('destination_blocked');
    expect(err.range).toBe(range);
    expect(err.message).toContain(`${range} range`);
    // Every one of these is decided from the URL alone.
    expect(lookup.calls).toEqual([]);
  });

  it('tells the operator how to lift the block', async () => {
    const err = await expectBlocked('http://10.0.0.1/', STRICT);
    expect(err.address).toBe('10.0.0.1');
    expect(err.message).toContain('10.0.0.1');
    expect(err.message).toContain('--allow-private-networks');
    expect(err.message).toContain('HERALD_ALLOWED_NETWORKS');
  });

  it('names the embedded IPv4 of a mapped address', async () => {
    const err = await expectBlocked('http://[::ffff:127.0.0.1]/', STRICT);
    expect(err.message).toContain('127.0.0.1');
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ws://example.com/', 'javascript:alert(1)'])(
    'refuses non-http(s) scheme %s',
    async (url) => {
      const err = await expectBlocked(url, OPEN, fakeLookupAll({}));
      expect(err.range).toBe('scheme');
      expect(err.message).toContain('scheme');
    },
  );
});

describe('other spellings of a blocked address are blocked as that address', () => {
  // The guard relies on the WHATWG URL parser to canonicalise these; what matters is the verdict.
  it.each([
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://0x7f.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://127.0.0.1./', '127.0.0.1', 'loopback'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://[::ffff:127.0.0.1]/', '127.0.0.1', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1', 'loopback'],
  ])('%s is refused as %s (%s), without a DNS lookup', async (url, address, range) => {
    const lookup = fakeLookupAll({});
    const err = await expectBlocked(url, STRICT, lookup);
    expect(err.range).toBe(range);
    expect(err.message).toContain(address);
    expect(lookup.calls).toEqual([]);
  });
});

describe('assertUrlAllowed: invalid URLs', () => {
  it.each(['not a url', '/relative/path', 'http://[::1', 'http://1.2.3.4.5/', 'http://[fe80::1%25eth0]/', 'http://user:pass@example.com/', 'http://user@example.com/', 'http://127.0.0.1:80@example.com/'])(
    '%s → InvalidUrlError',
    async (url) => {
      const err = await assertUrlAllowed(url, OPEN, fakeLookupAll({ 'example.com': ['93.184.216.34'] })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidUrlError);
      expect((err as InvalidUrlError).code).toBe('invalid_url');
      expect(err).not.toBeInstanceOf(BlockedDestinationError);
    },
  );
});

describe('assertUrlAllowed: public destinations', () => {
  it.each([
    'http://93.184.216.34/',
    'https://[2606:4700:4700::1111]/',
    'https://1.1.1.1:8443/webhooks?x=1',
    'http://172.32.0.1/', // just past 172.16.0.0/12
    'http://100.128.0.1/', // just past 100.64.0.0/10
    'http://[::ffff:93.184.216.34]/', // mapped public
    'http://[64:ff9b::8.8.8.8]/', // NAT64 of a public address
    'http://[2002:5db8:d822::1]/', // 6to4 of 93.184.216.34
  ])('accepts %s without any lookup', async (url) => {
    const lookup = fakeLookupAll({});
    await expect(assertUrlAllowed(url, STRICT, lookup)).resolves.toBeUndefined();
    expect(lookup.calls).toEqual([]);
  });
});

describe('assertUrlAllowed: names that resolve', () => {
  it('refuses a public-looking name that resolves to loopback', async () => {
    const lookup = fakeLookupAll({ 'rebind.example': ['127.0.0.1'] });
    const err = await expectBlocked('http://rebind.example/hook', STRICT, lookup);
    expect(err.range).toBe('loopback');
    expect(err.address).toBe('127.0.0.1');
    expect(err.message).toContain('rebind.example');
    expect(lookup.calls).toEqual(['rebind.example']);
  });

  it('refuses a name resolving only to blocked addresses of mixed families', async () => {
    const err = await expectBlocked('https://intranet.example/', STRICT, fakeLookupAll({ 'intranet.example': ['10.0.0.5', 'fd00::5'] }));
    expect(err.range).toBe('private');
  });

  it('refuses a metadata alias', async () => {
    const err = await expectBlocked('http://metadata.google.internal/', OPEN, fakeLookupAll({ 'metadata.google.internal': ['169.254.169.254'] }));
    expect(err.range).toBe('metadata');
  });

  it('accepts a name with at least one public answer (connect time filters the rest)', async () => {
    await expect(assertUrlAllowed('http://mixed.example/', STRICT, fakeLookupAll({ 'mixed.example': ['127.0.0.1', '93.184.216.34'] }))).resolves.toBeUndefined();
  });

  it('accepts names that do not resolve, or resolve to nothing', async () => {
    await expect(assertUrlAllowed('http://not-yet.example/', STRICT, fakeLookupAll({}))).resolves.toBeUndefined();
    await expect(assertUrlAllowed('http://empty.example/', STRICT, fakeLookupAll({ 'empty.example': [] }))).resolves.toBeUndefined();
  });

  it('accepts a name that resolves publicly', async () => {
    await expect(assertUrlAllowed('https://hooks.example/', STRICT, fakeLookupAll({ 'hooks.example': ['93.184.216.34'] }))).resolves.toBeUndefined();
  });
});

describe('policy', () => {
  it('allowPrivateNetworks lifts non-public ranges', async () => {
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.1', '169.254.1.1', 'fe80::1', 'fd12::1', '100.64.0.1', '::ffff:127.0.0.1']) {
      expect(blockedRange(ip, OPEN), ip).toBeNull();
    }
    await expect(assertUrlAllowed('http://localhost:8080/', OPEN)).resolves.toBeUndefined();
    await expect(assertUrlAllowed('http://2130706433/', OPEN)).resolves.toBeUndefined();
  });

  it('allowPrivateNetworks does not lift cloud metadata; an explicit allow-list entry does', async () => {
    for (const ip of ['169.254.169.254', 'fd00:ec2::254', '::ffff:169.254.169.254', '169.254.170.2']) {
      expect(blockedRange(ip, OPEN), ip).toBe('metadata');
    }
    const err = await expectBlocked('http://169.254.169.254/', OPEN);
    expect(err.message).toContain('HERALD_ALLOWED_NETWORKS');
    expect(blockedRange('169.254.169.254', allow('169.254.169.254/32'))).toBeNull();
  });

  it('allowedNetworks lifts only the listed ranges', async () => {
    const policy = allow('10.0.0.0/8', 'fd00::/8');
    expect(blockedRange('10.1.2.3', policy)).toBeNull();
    expect(blockedRange('192.168.1.1', policy)).toBe('private');
    expect(blockedRange('127.0.0.1', policy)).toBe('loopback');
    expect(blockedRange('fd12::1', policy)).toBeNull();
    expect(blockedRange('fc00::1', policy)).toBe('uniqueLocal');
    await expect(assertUrlAllowed('http://10.1.2.3/', policy)).resolves.toBeUndefined();
    expect((await expectBlocked('http://192.168.1.1/', policy)).range).toBe('private');
  });

  it('a v4 allow-list entry covers the IPv4-mapped form of the same address', () => {
    expect(blockedRange('::ffff:127.0.0.1', allow('127.0.0.0/8'))).toBeNull();
    expect(blockedRange('::1', allow('127.0.0.0/8'))).toBe('loopback');
  });

  it('a bare IP in allowedNetworks means that single host', () => {
    expect(blockedRange('10.0.0.7', allow('10.0.0.7'))).toBeNull();
    expect(blockedRange('10.0.0.8', allow('10.0.0.7'))).toBe('private');
  });

  it('a malformed allow-list entry allows nothing, and parseAllowedNetworks reports it', () => {
    expect(blockedRange('10.0.0.1', allow('10.0.0.0/99', 'banana'))).toBe('private');
    expect(() => parseAllowedNetworks(['banana'])).toThrow(/banana/);
    expect(parseAllowedNetworks(['10.0.0.0/8', 'fd00::/8', '192.168.1.1']).map(([a, n]) => `${a.toString()}/${n}`)).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.1/32',
    ]);
  });

  it('localhost names are allowed when loopback is allow-listed', async () => {
    await expect(assertUrlAllowed('http://localhost/', allow('127.0.0.0/8'))).resolves.toBeUndefined();
  });
});

describe('blockedRange', () => {
  it.each([
    ['8.8.8.8', null],
    ['2606:4700:4700::1111', null],
    ['172.15.255.255', null],
    ['100.63.255.255', null],
    ['198.20.0.1', null],
    ['127.255.255.255', 'loopback'],
    ['0.1.2.3', 'unspecified'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'linkLocal'],
    ['0177.0.0.1', 'loopback'], // lenient parse, as the OS resolver would read it
    ['2001:2::1', 'benchmarking'],
    ['3fff::1', 'documentation'],
    ['4000::1', 'reserved'], // outside 2000::/3 global unicast
    ['::ffff:0:a00:1', 'private'],
    ['not-an-ip', 'invalid'],
    ['', 'invalid'],
  ])('%s → %s', (ip, expected) => {
    expect(blockedRange(ip, STRICT)).toBe(expected);
  });

  it('an unparseable address stays blocked even when private networks are allowed', () => {
    expect(blockedRange('example.com', OPEN)).toBe('invalid');
  });
});

describe('guardedConnector (real undici requests to a loopback server)', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    connections = 0;
    requests = 0;
  });

  /** Issues one GET through a guarded Agent; returns the status or the error. */
  async function fetchVia(url: string, policy: NetworkPolicy, lookup: typeof dns.lookup, baseOptions: Record<string, unknown> = {}) {
    const agent = new Agent({ connect: guardedConnector(policy, baseOptions, lookup) });
    try {
      const res = await request(url, { dispatcher: agent });
      await res.body.text();
      return { status: res.statusCode, error: undefined };
    } catch (error) {
      return { status: undefined, error };
    } finally {
      await agent.destroy();
    }
  }

  it('refuses a name that resolves to loopback at connect time (DNS rebinding)', async () => {
    const fake = fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] });
    const { status, error } = await fetchVia(`http://rebind.example:${port}/`, STRICT, fake.lookup);
    expect(status).toBeUndefined();
    const blocked = findBlocked(error);
    expect(blocked, String(error)).toBeInstanceOf(BlockedDestinationError);
    expect(blocked?.range).toBe('loopback');
    expect(blocked?.address).toBe('127.0.0.1');
    expect(fake.calls.map((c) => c.hostname)).toEqual(['rebind.example']);
    expect(connections).toBe(0);
    expect(requests).toBe(0);
  });

  it('refuses on the single-address lookup path too (autoSelectFamily off)', async () => {
    const fake = fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] });
    const { error } = await fetchVia(`http://rebind.example:${port}/`, STRICT, fake.lookup, { autoSelectFamily: false });
    expect(findBlocked(error)?.range).toBe('loopback');
    expect(fake.calls.length).toBe(1);
    expect(connections).toBe(0);
  });

  it('defeats rebinding: public at create time, loopback at delivery time', async () => {
    await expect(assertUrlAllowed('http://rebind.example/', STRICT, fakeLookupAll({ 'rebind.example': ['93.184.216.34'] }))).resolves.toBeUndefined();
    const { error } = await fetchVia(`http://rebind.example:${port}/`, STRICT, fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] }).lookup);
    expect(findBlocked(error)).toBeInstanceOf(BlockedDestinationError);
    expect(connections).toBe(0);
  });

  it('refuses localhost through the connector', async () => {
    const { error } = await fetchVia(`http://localhost:${port}/`, STRICT, fakeDnsLookup({ localhost: ['127.0.0.1'] }).lookup);
    expect(findBlocked(error)?.range).toBe('loopback');
    expect(connections).toBe(0);
  });

  it('refuses IP literals directly (net.connect skips lookup for them)', async () => {
    const fake = fakeDnsLookup({});
    const { error } = await fetchVia(`http://127.0.0.1:${port}/`, STRICT, fake.lookup);
    const blocked = findBlocked(error);
    expect(blocked?.range).toBe('loopback');
    expect(blocked?.message).toContain('--allow-private-networks');
    expect(fake.calls).toEqual([]);
    expect(connections).toBe(0);
    expect(requests).toBe(0);
  });

  it('refuses bracketed IPv6 literals before any socket is opened', async () => {
    const { error } = await fetchVia(`http://[::1]:${port}/`, STRICT, fakeDnsLookup({}).lookup);
    expect(findBlocked(error)?.range).toBe('loopback');
    const mapped = await fetchVia(`http://[::ffff:127.0.0.1]:${port}/`, STRICT, fakeDnsLookup({}).lookup);
    expect(findBlocked(mapped.error)?.range).toBe('loopback');
    expect(connections).toBe(0);
  });

  it('guards https too: the lookup reaches tls.connect, and literals are checked', async () => {
    const byName = await fetchVia(`https://rebind.example:${port}/`, STRICT, fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] }).lookup);
    expect(findBlocked(byName.error)?.range).toBe('loopback');
    const byLiteral = await fetchVia(`https://127.0.0.1:${port}/`, STRICT, fakeDnsLookup({}).lookup);
    expect(findBlocked(byLiteral.error)?.range).toBe('loopback');
    expect(connections).toBe(0);
  });

  it('allowPrivateNetworks: true lets the same request through', async () => {
    const fake = fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] });
    const { status, error } = await fetchVia(`http://rebind.example:${port}/`, OPEN, fake.lookup);
    expect(error).toBeUndefined();
    expect(status).toBe(200);
    expect(requests).toBe(1);
  });

  it('connects on the single-address lookup path when allowed (autoSelectFamily off)', async () => {
    const fake = fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] });
    const { status } = await fetchVia(`http://rebind.example:${port}/`, OPEN, fake.lookup, { autoSelectFamily: false });
    expect(status).toBe(200);
    expect(requests).toBe(1);
  });

  it('allowedNetworks [127.0.0.0/8] lets it through as well, by name and by literal', async () => {
    const fake = fakeDnsLookup({ 'rebind.example': ['127.0.0.1'] });
    const byName = await fetchVia(`http://rebind.example:${port}/`, allow('127.0.0.0/8'), fake.lookup);
    expect(byName.error).toBeUndefined();
    expect(byName.status).toBe(200);
    const byLiteral = await fetchVia(`http://127.0.0.1:${port}/`, allow('127.0.0.0/8'), fake.lookup);
    expect(byLiteral.status).toBe(200);
    expect(requests).toBe(2);
  });

  it('filters blocked answers and connects only to allowed ones', async () => {
    // Server listens on 127.0.0.1 only. Only 127.0.0.2 is allowed, so a correct
    // filter connects to 127.0.0.2 (refused: nothing listens there) and never to
    // 127.0.0.1; a broken one would reach the server.
    const fake = fakeDnsLookup({ 'multi.example': ['127.0.0.1', '127.0.0.2'] });
    const { error } = await fetchVia(`http://multi.example:${port}/`, allow('127.0.0.2/32'), fake.lookup);
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect((error as { address?: string }).address).toBe('127.0.0.2');
    expect(fake.calls).toEqual([{ hostname: 'multi.example', all: true }]);
    expect(connections).toBe(0);
  });

  it('passes DNS failures through unchanged', async () => {
    const { error } = await fetchVia(`http://nowhere.example:${port}/`, STRICT, fakeDnsLookup({}).lookup);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
    expect(findBlocked(error)).toBeUndefined();
  });

  it('refuses to build a connector for a unix socket, which it could not guard', () => {
    expect(() => guardedConnector(STRICT, { socketPath: '/tmp/x.sock' })).toThrow(TypeError);
  });
});
