import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inExclusiveSlot, TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/test-herald.js';
import { mapConcurrently, startCluster, type Cluster } from './scale-out-processes.js';

const MESSAGES = 5000;

// Which endpoints each event type reaches (by the filters set below); every message goes to two.
const EVENTS = [
  { eventType: 'order.created', entity: null, to: ['all', 'created'] },
  { eventType: 'order.paid', entity: { type: 'Order', id: 1 }, to: ['all', 'money'] },
  { eventType: 'order.refunded', entity: { type: 'Order', id: 2 }, to: ['all', 'money'] },
  { eventType: 'customer.updated', entity: { type: 'Customer', id: 3 }, to: ['all', 'customers'] },
] as const;
const FILTERS: Record<string, Record<string, unknown>> = {
  all: {},
  created: { eventTypes: ['order.created'] },
  money: { eventTypes: ['order.paid', 'order.refunded'] },
  customers: { entityTypes: ['Customer'] },
};

warnIfNoPostgres('scale-out across processes (test/e2e/scale-out.test.ts)');

// Three processes on one PostgreSQL schema: `serve --no-dispatcher` takes the messages, two
// `worker`s deliver them; one worker is SIGKILLed mid-run and the other takes over its leases.
describe.skipIf(!TEST_PG_URL)('scale-out: several Herald processes on one PostgreSQL database', () => {
  let schema: TestSchema;
  let cluster: Cluster | null = null;
  const receivers: Record<string, Receiver> = {};
  let failed = false;

  beforeAll(async () => {
    schema = testSchema('scale_out');
    for (const name of Object.keys(FILTERS)) {
      // A little latency keeps many requests in flight when the worker dies.
      receivers[name] = await startReceiver(async () => {
        await new Promise((r) => setTimeout(r, 3));
        return { status: 200 };
      });
    }
  });
  afterAll(async () => {
    await cluster?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.close()));
    await schema?.drop(failed);
  });

  it('delivers every message to every matching endpoint although a worker dies mid-run', () => inExclusiveSlot('multi-process', async () => {
    try {
      // Short leases (2 × 5 s timeout + 2 s margin) so the dead worker's deliveries return within
      // 12 s; the timeout is not shorter so that a loaded test machine does not time requests out.
      cluster = await startCluster(schema.url.replace('pool_size=4', 'pool_size=8'), 2, ['--lease-margin', '2s', '--poll-interval', '200ms']);
      const { call, workers } = cluster;
      const app = (await call('POST', '/api/v1/apps', { name: 'scale-out' })).body;
      const endpointOf: Record<string, string> = {};
      for (const [name, filter] of Object.entries(FILTERS)) {
        const res = await call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receivers[name]!.url, timeout: 'PT5S', ...filter });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        endpointOf[name] = res.body.id;
      }

      const expected: Record<string, Set<string>> = Object.fromEntries(Object.keys(FILTERS).map((n) => [n, new Set<string>()]));
      const leaseHolders = new Set<string>();
      let killedAt = -1;
      const killWhenBusy = (async () => {
        // Both workers hold leases while they share the work; kill one when a third is delivered.
        while (receivers.all!.requests.length < MESSAGES / 3) {
          const { rows } = await withPgClient((c) => c.query(`SELECT DISTINCT lease_token FROM deliveries WHERE lease_token IS NOT NULL`), schema.name);
          for (const r of rows) leaseHolders.add(r.lease_token);
          await new Promise((r) => setTimeout(r, 50));
        }
        workers[0]!.child.kill('SIGKILL');
        killedAt = receivers.all!.requests.length;
        expect((await workers[0]!.exited).signal).toBe('SIGKILL');
      })();

      const started = Date.now();
      await mapConcurrently(Array.from({ length: MESSAGES }, (_, i) => i), 32, async (i) => {
        const event = EVENTS[i % EVENTS.length]!;
        const res = await call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: event.eventType, entity: event.entity, data: { i } });
        expect(res.status).toBe(202);
        for (const name of event.to) expected[name]!.add(res.body.id);
      });
      const publishedMs = Date.now() - started;
      await killWhenBusy;

      const received = (name: string) => new Set(receivers[name]!.requests.map((r) => r.headers['webhook-id']));
      await eventually(() => Object.keys(FILTERS).every((n) => received(n).size >= expected[n]!.size), 90_000, 200);
      const deliveredMs = Date.now() - started;

      let requests = 0;
      let duplicates = 0;
      for (const name of Object.keys(FILTERS)) {
        const rx = receivers[name]!;
        // Exactly the matching messages arrived: none missing, none that this endpoint's filter excludes.
        expect([...received(name)].sort()).toEqual([...expected[name]!].sort());
        // A duplicate is only ever the same message again: same webhook-id, same event and data.
        const firstBody = new Map<string, string>();
        for (const req of rx.requests) {
          const { type, data } = JSON.parse(req.body);
          const seen = firstBody.get(req.headers['webhook-id']!);
          if (seen !== undefined) expect(JSON.stringify({ type, data })).toBe(seen);
          else firstBody.set(req.headers['webhook-id']!, JSON.stringify({ type, data }));
        }
        requests += rx.requests.length;
        duplicates += rx.requests.length - firstBody.size;
      }
      expect(leaseHolders.size).toBeGreaterThanOrEqual(2);
      expect(workers[1]!.child.exitCode).toBeNull();
      const deliveries = Object.values(expected).reduce((n, s) => n + s.size, 0);
      // Besides the dead worker's unsettled requests, a duplicate is a request that reached the
      // receiver but timed out before the answer came back (a loaded machine), then retried.
      const { rows: [failures] } = await withPgClient((c) => c.query(`SELECT count(*)::int AS n FROM attempts WHERE status = 'failed'`), schema.name);
      console.log(
        `scale-out: ${MESSAGES} messages → ${deliveries} deliveries by 2 workers (one SIGKILLed after ${killedAt} requests at one endpoint); ` +
          `${requests} requests received, ${duplicates} duplicates (${((100 * duplicates) / deliveries).toFixed(2)} %), ${failures.n} failed attempts (timeouts) retried; ` +
          `published in ${(publishedMs / 1000).toFixed(1)} s, all delivered after ${(deliveredMs / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      failed = true;
      console.error(cluster ? [cluster.api, ...cluster.workers].map((p) => `--- ${p.name}\n${p.output()}`).join('\n') : '');
      throw err;
    } finally {
      // Inside the slot: the next multi-process test starts on a quiet machine.
      await cluster?.stop();
      cluster = null;
    }
  }), 210_000);
});
