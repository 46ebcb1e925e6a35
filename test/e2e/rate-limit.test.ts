import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inExclusiveSlot, TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/test-herald.js';
import { rateBurst } from '../../src/store/rate-bucket.js';
import { startCluster, type Cluster } from './scale-out-processes.js';

const LIMIT = 50; // requests per second
const BURST = rateBurst(LIMIT); // a full bucket goes out at once: one second of tokens
const MESSAGES = 650; // after the burst, 12 s of work at the limit

warnIfNoPostgres('rate limit across worker processes (test/e2e/rate-limit.test.ts)');

// A per-endpoint rate limit is one token bucket in the database, so it holds for the sum of
// all workers, not per worker. Measured over the whole backlog at the receiver: after the full
// bucket's burst, the rest must arrive at the limit. (A fixed window is fragile on a busy
// machine: a stall just before it lets a bucketful out at its start.)
describe.skipIf(!TEST_PG_URL)('per-endpoint rate limit across two worker processes', () => {
  let schema: TestSchema;
  let cluster: Cluster | null = null;
  let limited: Receiver;
  let free: Receiver;
  let failed = false;
  /** This process's event-loop stalls while the receiver records arrivals. */
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  beforeAll(async () => {
    schema = testSchema('rate_limit');
    // Replies take 100 ms, so leases live long enough to be seen (and 5 requests are in flight at 50/s).
    limited = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return { status: 200 };
    });
    free = await startReceiver();
  });
  afterAll(async () => {
    await cluster?.stop();
    await Promise.all([limited.close(), free.close()]);
    await schema?.drop(failed);
  });

  it(`holds ${LIMIT}/s for the sum of both workers (at most +10 %, in every window too), and holds back no other endpoint`, () => inExclusiveSlot('multi-process', async () => {
    try {
      cluster = await startCluster(schema.url, 2, ['--poll-interval', '200ms']);
      const { call } = cluster;
      const app = (await call('POST', '/api/v1/apps', { name: 'rate' })).body;
      const limitedEp = (await call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: limited.url, rateLimit: LIMIT })).body;
      await call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: free.url });

      // One batch request: the whole backlog is due at once and this process (which also runs
      // the receivers) is idle while it is measured.
      const messages = Array.from({ length: MESSAGES }, (_, i) => ({ eventType: 'tick', data: { i } }));
      const published = await call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages });
      expect(published.status, JSON.stringify(published.body)).toBe(202);
      // From here every delivery is due; the first claim takes a full bucket.
      const due = Date.now();
      loopDelay.enable();

      // Which workers hold leases on the limited endpoint's deliveries while it is throttled.
      const holders = new Set<string>();
      await withPgClient(async (c) => {
        while (limited.requests.length < MESSAGES) {
          const { rows } = await c.query('SELECT DISTINCT lease_token FROM deliveries WHERE endpoint_id = $1 AND lease_token IS NOT NULL', [limitedEp.id]);
          for (const r of rows) holders.add(r.lease_token);
          await new Promise((r) => setTimeout(r, 100));
        }
      }, schema.name);

      loopDelay.disable();
      const arrivals = limited.requests.map((r) => r.at);
      // Counted from the moment the work became due rather than from the first arrival, which new
      // connections delay: the measured rate errs low by the few ms a worker takes to wake, never high.
      const seconds = (arrivals[MESSAGES - 1]! - due) / 1000;
      const rate = (MESSAGES - BURST) / seconds;
      const perSecond = Array.from({ length: Math.ceil(seconds) }, (_, i) => arrivals.filter((t) => t >= due + i * 1000 && t < due + (i + 1) * 1000).length);
      console.log(
        `rate-limit: ${MESSAGES} requests in ${seconds.toFixed(2)} s, a burst of ${BURST} included = ${rate.toFixed(1)}/s (limit ${LIMIT}/s); ` +
          `per second: ${perSecond.join(' ')}; workers holding leases: ${holders.size}`,
      );
      // The promise is an upper bound, and the receiver's clock can only make it look safer: a stall
      // in this process delays recording, which spreads arrivals out. So the average holds within
      // 10 %, and so does every window of the run (a second's worth of tokens plus the window's),
      // widened by the longest stall this process measured, during which arrivals pile up unrecorded.
      expect(rate).toBeLessThanOrEqual(LIMIT * 1.1);
      const stallMs = loopDelay.max / 1e6;
      for (const windowMs of [1000, 3000]) {
        const most = Math.max(...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + windowMs).length));
        const allowed = BURST + (LIMIT * (windowMs + stallMs)) / 1000;
        expect(most, `most arrivals in ${windowMs} ms (allowed ${allowed.toFixed(0)}, longest stall ${stallMs.toFixed(0)} ms)`).toBeLessThanOrEqual(allowed * 1.1);
      }
      // Not starved either, though the machine may be busy: a bucket refilled at half the rate would fail.
      expect(rate).toBeGreaterThanOrEqual(LIMIT * 0.75);
      expect(holders.size).toBe(2);
      // The unthrottled endpoint is not paced by the throttled one: it had everything seconds earlier.
      const freeDone = Math.max(...(await free.waitFor(MESSAGES, 30_000)).map((r) => r.at));
      expect(arrivals[MESSAGES - 1]! - freeDone).toBeGreaterThan(3000);
      expect(new Set(limited.requests.map((r) => r.headers['webhook-id'])).size).toBe(MESSAGES);

      // Held back, never failed.
      const failedAttempts = await eventually(async () => {
        const res = await call('GET', `/api/v1/apps/${app.id}/endpoints/${limitedEp.id}/attempts?status=failed`);
        return res.status === 200 ? res.body.data : null;
      });
      expect(failedAttempts).toEqual([]);
    } catch (err) {
      failed = true;
      console.error(cluster ? [cluster.api, ...cluster.workers].map((p) => `--- ${p.name}\n${p.output()}`).join('\n') : '');
      throw err;
    } finally {
      // Inside the slot: the next multi-process test starts on a quiet machine.
      await cluster?.stop();
      cluster = null;
    }
  }), 180_000);
});
