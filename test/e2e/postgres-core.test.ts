import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/options.js';
import { startHerald, type RunningHerald } from '../../src/herald.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../helpers/receiver.js';
import { eventually, startTestHerald, TEST_CONFIG, type TestHerald } from '../helpers/test-herald.js';

// The main delivery scenarios on PostgreSQL. (The whole e2e suite also runs on it with
// HERALD_TEST_STORE=postgres; this file keeps the core of it in every run.)

warnIfNoPostgres('end-to-end delivery on PostgreSQL (test/e2e/postgres-core.test.ts)');

describe.skipIf(!TEST_PG_URL)('delivery on PostgreSQL', () => {
  let schema: TestSchema;
  let herald: TestHerald;
  const receivers: Receiver[] = [];
  let failed = false;

  beforeAll(async () => {
    schema = testSchema('core');
    herald = await startTestHerald({ database: schema.url });
  });
  afterAll(async () => {
    await herald?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await schema.drop(failed);
  });

  async function receiver(...args: Parameters<typeof startReceiver>) {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  }

  async function appWithEndpoint(body: Record<string, unknown>) {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'pg' })).body;
    const res = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { app, ep: res.body as { id: string; secret: string } };
  }

  async function publish(appId: string, body: Record<string, unknown>) {
    const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string; duplicate: boolean };
  }

  const track = (test: () => Promise<void>) => async () => {
    try {
      await test();
    } catch (err) {
      failed = true; // keep the schema for inspection
      throw err;
    }
  };

  it('delivers a published message, signed, and records the attempt', track(async () => {
    const rx = await receiver();
    const { app, ep } = await appWithEndpoint({ url: `${rx.url}/hook` });
    const msg = await publish(app.id, { eventType: 'member.added', data: { id: 1, name: 'Ada' } });
    const [req] = await rx.waitFor(1);
    expect(new Webhook(ep.secret).verify(req!.body, req!.headers)).toMatchObject({ type: 'member.added', data: { id: 1, name: 'Ada' } });
    expect(req!.headers['webhook-id']).toBe(msg.id);
    await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`);
      return res.body.data.length === 1 && res.body.data[0].status === 'success';
    });
  }));

  it('retries a failing receiver until it succeeds', track(async () => {
    const rx = await receiver((_req, i) => ({ status: i < 2 ? 503 : 200 }));
    const { app } = await appWithEndpoint({ url: rx.url });
    const msg = await publish(app.id, { eventType: 'order.paid', data: {} });
    const requests = await rx.waitFor(3);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([msg.id, msg.id, msg.id]);
    const attempts = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`);
      return res.body.data.length === 3 ? res.body.data : null;
    });
    expect(attempts.map((a: any) => a.status)).toEqual(['success', 'failed', 'failed']);
  }));

  it('treats a repeated idempotency key as the same message, delivered once', track(async () => {
    const rx = await receiver();
    const { app } = await appWithEndpoint({ url: rx.url });
    const first = await publish(app.id, { eventType: 'a.b', data: { v: 1 }, idempotencyKey: 'once' });
    const again = await publish(app.id, { eventType: 'a.b', data: { v: 1 }, idempotencyKey: 'once' });
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    await rx.waitFor(1);
    // A sentinel published afterwards: once it has arrived, a second delivery of the first message
    // (committed earlier, so due and claimed earlier) would have arrived too.
    const sentinel = await publish(app.id, { eventType: 'a.b', data: { sentinel: true } });
    await eventually(() => rx.requests.some((r) => r.headers['webhook-id'] === sentinel.id));
    expect(rx.requests.filter((r) => r.headers['webhook-id'] === first.id)).toHaveLength(1);
    expect(rx.requests).toHaveLength(2);
  }));

  it('resends a delivered message as a new delivery with the same id', track(async () => {
    const rx = await receiver();
    const { app, ep } = await appWithEndpoint({ url: rx.url });
    const msg = await publish(app.id, { eventType: 'a.b', data: { v: 1 } });
    await rx.waitFor(1);
    const res = await herald.api('POST', `/api/v1/apps/${app.id}/messages/${msg.id}/endpoints/${ep.id}/resend`);
    expect(res.status).toBe(202);
    const [first, second] = await rx.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(msg.id);
    expect(second!.body).toBe(first!.body);
  }));

  it('splits roles: an API-only process accepts, a separate worker process delivers', track(async () => {
    const rx = await receiver();
    const roles = testSchema('roles');
    let api: TestHerald | null = null;
    let worker: RunningHerald | null = null;
    try {
      api = await startTestHerald({ database: roles.url, dispatcher: false });
      const app = (await api.api('POST', '/api/v1/apps', { name: 'split' })).body;
      await api.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: rx.url });
      const config = { ...DEFAULT_CONFIG, ...TEST_CONFIG, dataDir: api.dataDir, database: roles.url, pollInterval: 60_000 };
      worker = await startHerald(config, pino({ level: 'silent' }), { api: false, listen: false });
      // Polling is off (one minute): only the NOTIFY from the API process can wake the worker. Its
      // LISTEN may not be up yet, so publish again (another NOTIFY) until a delivery arrives, rather
      // than guess how long it takes to start listening.
      const published: string[] = [];
      let req: ReceivedRequest | undefined;
      for (const deadline = Date.now() + 10_000; !req && Date.now() < deadline; ) {
        published.push((await api.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'x.y', data: {} })).body.id);
        req = await rx.waitFor(1, 300).then(([r]) => r, () => undefined);
      }
      expect(req, 'no delivery within 10 s of publishing, though polling is off for a minute').toBeDefined();
      expect(published).toContain(req!.headers['webhook-id']);
      expect(api.deliveryLoop).toBeNull();
    } finally {
      await worker?.close();
      await api?.stop();
      await roles.drop();
    }
  }));
});
