import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Payload filters (docs/filters.md): an endpoint's CEL expression decides at fan-out whether a
// message creates a delivery to it. Over HTTP with a real receiver, on both stores.

warnIfNoPostgres('payload filters on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('payload filters ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let base: string;

  const newEndpoint = async (path: string, filter?: string | null) => {
    const res = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}${path}`, ...(filter === undefined ? {} : { filter }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; filter: string | null };
  };
  const publish = async (eventType: string, data: unknown, extra: object = {}) => {
    const res = await herald.api('POST', `${base}/messages`, { eventType, data, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string; deliveries: number };
  };
  const arrivedAt = (path: string, msgId: string) => receiver.requests.filter((r) => r.url === path && r.headers['webhook-id'] === msgId);
  const endpoint = async (id: string) => (await herald.api('GET', `${base}/endpoints/${id}`)).body;
  const filterErrorsMetric = async () => {
    const text = await (await fetch(`${herald.url}/metrics`)).text();
    return Number(/^herald_filter_errors_total (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  beforeAll(async () => {
    schema = pg ? testSchema('payload-filters') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    receiver = await startReceiver();
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Filters' })).body;
    base = `/api/v1/apps/${app.id}`;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  it('delivers what a filter holds true for, skips what it does not, and counts a failing one as no match', async () => {
    const big = await newEndpoint('/big', 'eventType.startsWith("invoice.") && data.amount > 100');
    const all = await newEndpoint('/all');
    const german = await newEndpoint('/german', 'data.customer.country == "DE"');
    expect(big.filter).toBe('eventType.startsWith("invoice.") && data.amount > 100');
    const before = await filterErrorsMetric();

    const large = await publish('invoice.paid', { amount: 150, customer: { country: 'DE' } });
    const small = await publish('invoice.paid', { amount: 50 });
    const other = await publish('order.placed', { amount: 500, customer: { country: 'FR' } });
    // The answer counts the deliveries fan-out created: a message a filter refuses has none there.
    expect([large.deliveries, small.deliveries, other.deliveries]).toEqual([3, 1, 1]);

    await eventually(() => arrivedAt('/big', large.id).length === 1 && arrivedAt('/all', other.id).length === 1 && arrivedAt('/german', large.id).length === 1);
    await eventually(async () => (await herald.api('GET', `${base}/messages/${other.id}`)).body.delivery?.state === 'delivered');
    expect(arrivedAt('/big', small.id)).toHaveLength(0);
    expect(arrivedAt('/big', other.id)).toHaveLength(0);
    expect(arrivedAt('/german', small.id)).toHaveLength(0);
    expect(arrivedAt('/german', other.id)).toHaveLength(0);
    expect(['/all'].flatMap((p) => [large, small, other].map((m) => arrivedAt(p, m.id).length))).toEqual([1, 1, 1]);

    // `small` has no customer: the filter failed on it, which is no match, counted on the endpoint.
    const failing = await endpoint(german.id);
    expect(failing.filterErrors.count).toBe(1);
    expect(failing.filterErrors.lastError).toMatch(/customer/);
    expect(Date.parse(failing.filterErrors.lastErrorAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await endpoint(big.id)).filterErrors).toEqual({ count: 0, lastError: null, lastErrorAt: null });
    expect(await filterErrorsMetric()).toBe(before + 1);

    // A new filter starts its count over; removing the filter sends everything again.
    const changed = await herald.api('PATCH', `${base}/endpoints/${german.id}`, { filter: 'has(data.customer) && data.customer.country == "DE"' });
    expect(changed.status).toBe(200);
    expect(changed.body.filterErrors.count).toBe(0);
    expect((await publish('invoice.paid', { amount: 1 })).deliveries).toBe(1);
    expect((await endpoint(german.id)).filterErrors.count).toBe(0);
    const removed = await herald.api('PATCH', `${base}/endpoints/${german.id}`, { filter: null });
    expect(removed.body.filter).toBeNull();
    const plain = await publish('invoice.paid', { amount: 2 });
    expect(plain.deliveries).toBe(2);
    await eventually(() => arrivedAt('/german', plain.id).length === 1);
    for (const id of [big.id, all.id, german.id]) await herald.api('DELETE', `${base}/endpoints/${id}`);
  });

  it('filters each message of a batch and each entity', async () => {
    const members = await newEndpoint('/members', 'entity != null && entity.type == "Member" && data.tags.exists(t, t == "vip")');
    const res = await herald.api('POST', `${base}/messages/batch`, {
      messages: [
        { eventType: 'member.updated', data: { tags: ['vip', 'new'] }, entity: { type: 'Member', id: 1 } },
        { eventType: 'member.updated', data: { tags: ['new'] }, entity: { type: 'Member', id: 2 } },
        { eventType: 'member.updated', data: { tags: ['vip'] }, entity: { type: 'Desk', id: 3 } },
        { eventType: 'member.updated', data: { tags: ['vip'] } },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const msgs = res.body.data as Array<{ id: string; deliveries: number }>;
    expect(msgs.map((m) => m.deliveries)).toEqual([1, 0, 0, 0]);
    await eventually(() => arrivedAt('/members', msgs[0]!.id).length === 1);
    expect(msgs.slice(1).flatMap((m) => arrivedAt('/members', m.id))).toHaveLength(0);
    expect((await endpoint(members.id)).filterErrors.count).toBe(0);
    await herald.api('DELETE', `${base}/endpoints/${members.id}`);
  });

  it('sends a test event to its endpoint whatever the filter says, as it does for event-type subscriptions', async () => {
    const strict = await newEndpoint('/strict', 'data.amount > 1000000');
    const res = await herald.api('POST', `${base}/endpoints/${strict.id}/test`, { eventType: 'invoice.paid' });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    await eventually(() => receiver.requests.some((r) => r.url === '/strict'));
    expect((await endpoint(strict.id)).filterErrors.count).toBe(0);
    await herald.api('DELETE', `${base}/endpoints/${strict.id}`);
  });

  it('refuses a filter that does not compile with invalid_filter, pointing at the error', async () => {
    const cases: Array<[string, RegExp, number?]> = [
      ['data.amount >', /line 1, column 14/, 13],
      ['eventType == "a" &&\n  nope == 1', /nope.*line 2, column 3/, 22],
      ['1 + 2', /true or false/],
      ['"x".matches("(a|a)*b")', /matches\(\) is not available/],
      ['data.a.all(x, x.b.all(y, y.c.all(z, z == 1)))', /nest at most 2/],
      ['data.items.exists(i, i in data.items)', /data cannot be used inside/, 26],
      ['eventType == "' + 'x'.repeat(1100) + '"', /at most 1000 characters/],
      ['1 + '.repeat(150) + '1 == 0', /maxAstNodes/],
      ['('.repeat(40) + 'true' + ')'.repeat(40), /maxDepth/],
    ];
    for (const [filter, message, position] of cases) {
      const res = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}/refused`, filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.code).toBe('invalid_filter');
      expect(res.body.message, filter).toMatch(message);
      expect(typeof res.body.line).toBe('number');
      if (position !== undefined) expect(res.body.position, filter).toBe(position);
    }
    const ep = await newEndpoint('/kept', 'data.ok == true');
    const patch = await herald.api('PATCH', `${base}/endpoints/${ep.id}`, { filter: 'data.ok ==' });
    expect([patch.status, patch.body.code]).toEqual([400, 'invalid_filter']);
    expect((await endpoint(ep.id)).filter).toBe('data.ok == true');
    expect((await herald.api('GET', `${base}/endpoints`)).body.data.map((e: any) => e.url)).not.toContain(`${receiver.url}/refused`);
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('stops a hostile filter at its evaluation budget: no match, counted, and publishing goes on', async () => {
    // Eight reads per element of a long list: far over the budget.
    const hostile = await newEndpoint('/hostile', 'data.items.map(x, [x, x, x, x, x, x, x, x]).exists(l, l.exists(y, y == 1.0))');
    const plain = await newEndpoint('/plain');
    const msg = await publish('load.test', { items: Array.from({ length: 20_000 }, (_, i) => i * 2) });
    expect(msg.deliveries).toBe(1);
    await eventually(() => arrivedAt('/plain', msg.id).length === 1);
    const ep = await endpoint(hostile.id);
    expect(ep.filterErrors.count).toBe(1);
    expect(ep.filterErrors.lastError).toMatch(/evaluation budget/);
    // The same filter on a small payload is an ordinary one.
    expect((await publish('load.test', { items: [1, 2] })).deliveries).toBe(2);
    for (const id of [hostile.id, plain.id]) await herald.api('DELETE', `${base}/endpoints/${id}`);
  });

  it('takes a filter from the config file, and refuses a wrong one there at start-up naming its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-filter-config-'));
    const file = join(dir, 'herald.config.json');
    const write = (filter: string) => writeFileSync(file, JSON.stringify({
      apps: [{ uid: 'shop', name: 'Shop', endpoints: [{ uid: 'big', url: `${receiver.url}/from-config`, filter }] }],
    }));
    const own = schema ? testSchema('payload-filters-config') : null;
    const extra = own ? { database: own.url } : {};
    try {
      write('data.total >');
      await expect(startTestHerald({ dataDir: dir, configFile: file, ...extra })).rejects.toThrow(/apps\[0\]\.endpoints\[0\].*filter.*column 13/s);
      write('data.total > 100');
      const configured = await startTestHerald({ dataDir: dir, configFile: file, ...extra });
      try {
        const app = (await configured.api('GET', '/api/v1/apps')).body.data.find((a: any) => a.uid === 'shop');
        const [ep] = (await configured.api('GET', `/api/v1/apps/${app.id}/endpoints`)).body.data;
        expect(ep.filter).toBe('data.total > 100');
        const small = await configured.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'order.paid', data: { total: 5 } });
        const large = await configured.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'order.paid', data: { total: 500 } });
        expect([small.body.deliveries, large.body.deliveries]).toEqual([0, 1]);
      } finally {
        await configured.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await own?.drop();
    }
  });
});
