import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// What is failing, as the API tells it: each message's delivery state per endpoint (delivered /
// pending / failing / exhausted) in lists and GET, an endpoint's deliveries still to be sent with
// their next retry time, and attempts with a reason a person can read. One message goes to five
// real loopback receivers that bring about every state; the test Herald retries after 50, 100,
// 150 and 200 ms, so "exhausted" comes within a second, while "failing" is an endpoint whose own
// schedule waits an hour and "pending" one whose receiver holds its first request open.

warnIfNoPostgres('delivery states on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('delivery states ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let refusedUrl: string;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  let base: string;
  const ep: Record<'ok' | 'flaky' | 'held' | 'slow' | 'dead', string> = { ok: '', flaky: '', held: '', slow: '', dead: '' };
  let order: { id: string };
  let member: { id: string };

  async function call(token: string, path: string) {
    const res = await fetch(herald.url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  }
  const endpoint = async (body: object) => {
    const res = await herald.api('POST', `${base}/endpoints`, body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    schema = pg ? testSchema('delivery-state') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    let flakyCalls = 0;
    receiver = await startReceiver(async (req) => {
      if (req.url.startsWith('/flaky')) return flakyCalls++ === 0 ? { status: 500 } : { status: 200 };
      if (req.url.startsWith('/slow')) return { status: 500 };
      if (req.url.startsWith('/held')) await held;
      return { status: 200 };
    });
    // A port nobody listens on: connections to it are refused.
    const gone = await startReceiver();
    refusedUrl = gone.url;
    await gone.close();

    const app = (await herald.api('POST', '/api/v1/apps', { name: 'states' })).body;
    base = `/api/v1/apps/${app.id}`;
    const orders = { eventTypes: ['order.created'] };
    ep.ok = await endpoint({ url: `${receiver.url}/ok` });
    ep.flaky = await endpoint({ url: `${receiver.url}/flaky`, ...orders });
    ep.held = await endpoint({ url: `${receiver.url}/held`, timeout: 'PT30S', ...orders });
    ep.slow = await endpoint({ url: `${receiver.url}/slow`, retrySchedule: ['PT1H'], ...orders });
    ep.dead = await endpoint({ url: `${refusedUrl}/dead`, ...orders });
    order = (await herald.api('POST', `${base}/messages`, { eventType: 'order.created', data: { n: 1 } })).body;
    member = (await herald.api('POST', `${base}/messages`, { eventType: 'member.joined', data: { n: 2 } })).body;
    // Settled: ok and flaky delivered, slow failed once, dead out of retries, held's request arrived.
    await eventually(async () => {
      const d = (await herald.api('GET', `${base}/messages/${order.id}`)).body.delivery;
      return d.counts.delivered === 2 && d.counts.failing === 1 && d.counts.exhausted === 1 && receiver.requests.some((r) => r.url === '/held');
    }, 15_000);
  });
  afterAll(async () => {
    release();
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('lists each message with its state per endpoint and the counts', async () => {
    const list = await herald.api('GET', `${base}/messages`);
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.data.map((m: { id: string }) => [m.id, m]));
    const o = byId[order.id].delivery;
    expect(o.counts).toEqual({ delivered: 2, pending: 1, failing: 1, exhausted: 1, cancelled: 0 });
    // The state that most needs a person.
    expect(o.state).toBe('exhausted');
    const per = Object.fromEntries(o.endpoints.map((e: { endpointId: string }) => [e.endpointId, e]));
    expect(per[ep.ok]).toMatchObject({ state: 'delivered', attempts: 1, nextAttemptAt: null, reason: null });
    expect(per[ep.flaky]).toMatchObject({ state: 'delivered', attempts: 2, nextAttemptAt: null, reason: null });
    expect(per[ep.held]).toMatchObject({ state: 'pending', attempts: 0, lastAttemptAt: null, reason: null });
    expect(per[ep.slow]).toMatchObject({ state: 'failing', attempts: 1, reason: 'HTTP 500 Internal Server Error' });
    expect(per[ep.dead]).toMatchObject({ state: 'exhausted', attempts: 5, nextAttemptAt: null });
    expect(per[ep.dead].reason).toMatch(/^connection refused/);
    // An hour after the failed attempt, ±20 % jitter.
    const wait = Date.parse(per[ep.slow].nextAttemptAt) - Date.parse(per[ep.slow].lastAttemptAt);
    expect(wait).toBeGreaterThanOrEqual(0.8 * 3_600_000);
    expect(wait).toBeLessThanOrEqual(1.2 * 3_600_000);

    expect(byId[member.id].delivery).toMatchObject({ state: 'delivered', counts: { delivered: 1, pending: 0, failing: 0, exhausted: 0, cancelled: 0 } });
    expect(byId[member.id].delivery.endpoints.map((e: { endpointId: string }) => e.endpointId)).toEqual([ep.ok]);
  });

  it('answers the same in GET message and in the entity list', async () => {
    const one = (await herald.api('GET', `${base}/messages/${order.id}`)).body;
    expect(one.delivery.counts).toEqual({ delivered: 2, pending: 1, failing: 1, exhausted: 1, cancelled: 0 });
    const m = (await herald.api('POST', `${base}/messages`, { eventType: 'member.left', data: {}, entity: { type: 'Member', id: 7 } })).body;
    await eventually(async () => (await herald.api('GET', `${base}/entities/Member/7/messages`)).body.data[0]?.delivery.state === 'delivered');
    const entity = (await herald.api('GET', `${base}/entities/Member/7/messages`)).body.data;
    expect(entity.map((x: { id: string }) => x.id)).toEqual([m.id]);
  });

  it('counts a resent message by its newest delivery', async () => {
    const resend = await herald.api('POST', `${base}/messages/${order.id}/endpoints/${ep.ok}/resend`);
    expect(resend.status).toBe(202);
    await eventually(async () => receiver.requests.filter((r) => r.url === '/ok' && r.headers['webhook-id'] === order.id).length === 2);
    const d = await eventually(async () => {
      const x = (await herald.api('GET', `${base}/messages/${order.id}`)).body.delivery;
      return x.endpoints.find((e: { endpointId: string }) => e.endpointId === ep.ok).attempts === 1 && x.counts.delivered === 2 ? x : null;
    });
    // Still one entry per endpoint, not one per delivery.
    expect(d.endpoints).toHaveLength(5);
  });

  it("lists an endpoint's deliveries still to be sent with their next retry", async () => {
    const slow = await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries?status=pending`);
    expect(slow.status).toBe(200);
    expect(slow.body.data).toHaveLength(1);
    expect(slow.body.data[0]).toMatchObject({ msgId: order.id, eventType: 'order.created', state: 'failing', attempts: 1, reason: 'HTTP 500 Internal Server Error' });
    expect(Date.parse(slow.body.data[0].nextAttemptAt)).toBeGreaterThan(Date.now() + 0.5 * 3_600_000);
    // Pending is the default.
    const held = (await herald.api('GET', `${base}/endpoints/${ep.held}/deliveries`)).body.data;
    expect(held).toMatchObject([{ msgId: order.id, state: 'pending', attempts: 0 }]);
    expect((await herald.api('GET', `${base}/endpoints/${ep.ok}/deliveries`)).body.data).toEqual([]);
    // Exhausted: nothing left to send.
    expect((await herald.api('GET', `${base}/endpoints/${ep.dead}/deliveries`)).body.data).toEqual([]);
  });

  it('pages the endpoint deliveries and refuses bad queries with a JSON error', async () => {
    for (let i = 0; i < 3; i++) await herald.api('POST', `${base}/messages`, { eventType: 'order.created', data: { i } });
    await eventually(async () => (await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries`)).body.data.every((d: { attempts: number }) => d.attempts === 1)
      && (await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries`)).body.data.length === 4);
    const first = (await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries?limit=3`)).body;
    expect(first.data).toHaveLength(3);
    expect(first.done).toBe(false);
    const second = (await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries?limit=3&iterator=${encodeURIComponent(first.iterator)}`)).body;
    expect(second.data).toHaveLength(1);
    expect(second.done).toBe(true);
    // Soonest due first (each retry is an hour ±20 % jitter after its failure).
    const all = [...first.data, ...second.data];
    const due = all.map((d: { nextAttemptAt: string }) => Date.parse(d.nextAttemptAt));
    expect(due).toEqual([...due].sort((x, y) => x - y));
    expect(new Set(all.map((d: { id: string }) => d.id)).size).toBe(4);
    for (const query of ['status=failed', 'iterator=dlv_nope', 'iterator=12~x', 'limit=0']) {
      const bad = await herald.api('GET', `${base}/endpoints/${ep.slow}/deliveries?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code, query).toBe('validation_error');
    }
    expect((await herald.api('GET', `${base}/endpoints/ep_nope/deliveries`)).status).toBe(404);
  });

  it('shows attempts with a readable reason', async () => {
    const attempts = (await herald.api('GET', `${base}/messages/${order.id}/attempts`)).body.data
      .filter((a: { endpointId: string }) => a.endpointId === ep.flaky);
    expect(attempts.map((a: { reason: string | null }) => a.reason)).toEqual([null, 'HTTP 500 Internal Server Error']);
    const dead = (await herald.api('GET', `${base}/messages/${order.id}/attempts`)).body.data
      .filter((a: { endpointId: string }) => a.endpointId === ep.dead);
    expect(dead).toHaveLength(5);
    for (const a of dead) expect(a.reason).toMatch(/^connection refused \(.*127\.0\.0\.1/);
  });

  it('shows a portal link the same, within its scope', async () => {
    const full = (await herald.api('POST', `${base}/portal-link`, {})).body.token;
    const mine = (await call(full, `${base}/messages/${order.id}`)).body;
    expect(mine.delivery.counts).toEqual({ delivered: 2, pending: 1, failing: 1, exhausted: 1, cancelled: 0 });
    expect((await call(full, `${base}/endpoints/${ep.slow}/deliveries`)).body.data.length).toBeGreaterThan(0);

    const members = (await herald.api('POST', `${base}/portal-link`, { eventTypes: ['member.joined'] })).body.token;
    const list = (await call(members, `${base}/messages`)).body.data;
    expect(list.map((m: { id: string }) => m.id)).toEqual([member.id]);
    expect(list[0].delivery.state).toBe('delivered');
    // The slow endpoint's pending deliveries are all order.created: not this link's to see.
    const hidden = await call(members, `${base}/endpoints/${ep.slow}/deliveries`);
    expect(hidden).toMatchObject({ status: 200, body: { data: [] } });

    const noEndpoints = (await herald.api('POST', `${base}/portal-link`, { capabilities: ['messages:read'] })).body.token;
    const denied = await call(noEndpoints, `${base}/endpoints/${ep.slow}/deliveries`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
  });
});
