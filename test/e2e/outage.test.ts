import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

warnIfNoPostgres('PostgreSQL outage test (test/e2e/outage.test.ts)');

describe('receiver outage', () => {
  it('a receiver that is down (connection refused) for the first attempts gets everything once it is back', async () => {
    // Retries spread over ~20 s: long enough to still be retrying when the receiver comes back.
    const herald = await startTestHerald({ retrySchedule: [300, 600, 1200, 2400, 4800, 9600] });
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close(); // down: nothing listens on its port
    try {
      const app = (await herald.api('POST', '/api/v1/apps', { name: 'down' })).body;
      const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url })).body;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'o.x', data: { i } })).body.id);
      await eventually(async () => (await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}/attempts?status=failed`)).body.data.length >= 20);
      const failed = (await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}/attempts?status=failed`)).body.data;
      expect(failed[0].error).toMatch(/ECONNREFUSED/);

      // Back on the same port.
      const port = Number(new URL(url).port);
      const back = await startReceiver(undefined, port);
      try {
        await back.waitFor(20, 15_000);
        expect(new Set(back.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
      } finally {
        await back.close();
      }
    } finally {
      await herald.stop();
    }
  });
});

describe.skipIf(!TEST_PG_URL)('PostgreSQL outage', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let herald: TestHerald;
  let receiver: Receiver;

  beforeAll(async () => {
    const pgUrl = new URL(TEST_PG_URL!);
    proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    schema = testSchema('outage');
    const viaProxy = new URL(schema.url);
    viaProxy.port = String(proxy.port);
    receiver = await startReceiver();
    // A claim whose COMMIT is cut off may have committed its leases unseen: those deliveries come
    // back when the lease runs out (2 × endpoint timeout + margin), kept short here (~3 s).
    herald = await startTestHerald({ database: viaProxy.toString(), leaseMargin: 1000 });
  });
  afterAll(async () => {
    await herald?.stop().catch(() => undefined);
    await receiver?.close();
    await proxy?.close();
    await schema?.drop();
  });

  it('keeps running while the database is gone, answers 503, and resumes delivery by itself with nothing lost', { timeout: 90_000 }, async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'outage' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, timeout: 'PT1S' });
    const accepted: string[] = [];
    const publish = async (i: number) => {
      const res = await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'outage.test', data: { i } });
      if (res.status === 202) accepted.push(res.body.id);
      return res;
    };
    for (let i = 0; i < 50; i++) expect((await publish(i)).status).toBe(202);

    proxy.cut();
    // While it is gone: the API answers with a clear error, not a crash; readiness says so.
    const during = await publish(1000);
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('store_unavailable');
    const ready = await fetch(`${herald.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500)); // the dispatcher meets the outage too

    proxy.restore();
    await eventually(async () => (await fetch(`${herald.url}/readyz`)).status === 200, 20_000);
    for (let i = 50; i < 100; i++) expect((await publish(i)).status).toBe(202);
    await eventually(() => new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size >= accepted.length, 30_000);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(accepted));
    expect(accepted).toHaveLength(100);
  });
});
