import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// A receiver that answers 503 with Retry-After is asking for a pause; Herald must not come back
// before it. Rather than wait out the pause, the test reads when the next attempt is scheduled
// (the store's earliest due time: this Herald has no other pending delivery) and compares it with
// the recorded time of the failed attempt.
warnIfNoPostgres('Retry-After on PostgreSQL');

const RETRY_AFTER_S = 120;

const stores = [
  { name: 'SQLite', schema: (): TestSchema | null => null },
  ...(TEST_PG_URL ? [{ name: 'PostgreSQL', schema: (): TestSchema | null => testSchema('retry_after') }] : []),
];

describe.each(stores)('503 with Retry-After end to end ($name)', ({ schema }) => {
  let herald: TestHerald;
  let pg: TestSchema | null;
  let receiver: Receiver;

  beforeAll(async () => {
    pg = schema();
    herald = await startTestHerald(pg ? { database: pg.url } : {});
    receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) }, body: 'busy' }));
  });
  afterAll(async () => {
    await herald.stop();
    await receiver.close();
    await pg?.drop();
  });

  it('schedules the next attempt no earlier than Retry-After, though its schedule says 1 s', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'busy receiver' })).body;
    // The endpoint's own schedule: 1 s (±20 % jitter), then up to an hour, so Retry-After is within the cap.
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT1S', 'PT1H'] })).body;
    const msg = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: { n: 1 } })).body;
    const [attempt] = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`);
      return res.body.data.length > 0 ? res.body.data : null;
    });
    expect(attempt).toMatchObject({ endpointId: ep.id, status: 'failed', responseStatus: 503 });
    expect(receiver.requests).toHaveLength(1);
    const nextDue = await herald.store.nextDueAt();
    expect(nextDue).not.toBeNull();
    expect(nextDue! - Date.parse(attempt.createdAt)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    // Honoured, not stretched: capped by the schedule's largest step (1 h), and nothing lost.
    expect(nextDue! - Date.parse(attempt.createdAt)).toBeLessThanOrEqual(3_600_000);
  });
});
