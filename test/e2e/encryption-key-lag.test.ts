import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../../src/security/secret-box.js';
import { openStore } from '../../src/store/open-store.js';
import { stallServer } from '../helpers/hostile-servers.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

warnIfNoPostgres('delivery lag of an abandoned lease on PostgreSQL (test/e2e/encryption-key-lag.test.ts)');

// A delivery that is due but is not getting sent (held by a sender that hangs, or by one that
// vanished, as a worker with an unusable key used to) must show in the lag gauge the delivery-lag
// alert (docs/operations.md) watches, instead of reading 0 while the backlog stands still.

const GAUGE = 'herald_oldest_due_delivery_age_seconds';

async function gauge(herald: TestHerald): Promise<number> {
  const text = await (await fetch(`${herald.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(GAUGE + ' '));
  return line ? Number(line.slice(GAUGE.length + 1)) : NaN;
}

describe('the oldest due delivery age counts deliveries that are claimed but not getting sent', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('SQLite: a delivery stuck in flight to a receiver that never answers keeps ageing', async () => {
    const stalled = await stallServer();
    const herald = await startTestHerald({ database: null });
    cleanup.push(() => stalled.close(), () => herald.stop());
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'lag' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: stalled.url, timeout: 'PT30S' });
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'lag.test', data: {} })).status).toBe(202);
    await eventually(() => stalled.busy >= 1, 10_000);
    await eventually(async () => (await gauge(herald)) >= 1, 10_000);
  }, 30_000);

  it.skipIf(!TEST_PG_URL)('PostgreSQL: a delivery whose claimer vanished counts once its lease has run out', async () => {
    const schema = testSchema('lag');
    // No dispatcher: only the vanished claimer below ever takes the delivery.
    const herald = await startTestHerald({ database: schema.url, dispatcher: false });
    cleanup.push(async () => {
      await herald.stop();
      await schema.drop();
    });
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'lag' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'http://127.0.0.1:9/hook', timeout: 'PT1S' });
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'lag.test', data: {} })).status).toBe(202);

    // Another process with the same key (the one Herald generated into its data folder).
    const key = Buffer.from(readFileSync(join(herald.dataDir, 'encryption-key'), 'utf8').trim(), 'base64');
    const claimer = await openStore(schema.url, { codec: new SecretBox(key) });
    try {
      const claimed = await claimer.claimDue({
        now: Date.now(), limit: 10, leaseMarginMs: 0, perEndpointLimit: 10, inFlightByEndpoint: {}, leaseToken: 'vanished',
      });
      expect(claimed).toHaveLength(1);
    } finally {
      await claimer.close();
    }
    // The lease (2 × 1 s timeout) runs out and nobody settles or claims the delivery again.
    await eventually(async () => (await gauge(herald)) >= 1, 15_000);
  }, 30_000);
});
