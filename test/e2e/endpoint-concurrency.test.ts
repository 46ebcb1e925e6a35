import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// `--endpoint-concurrency` as a receiver sees it: never more requests at once than the limit, and
// the limit used. With SQLite the loop leases an endpoint twice its concurrency and the second
// round waits in the deliverer for a slot (delivery/endpoint-slots.ts); with one, two or no
// delivery threads the receiver must still never see more than the limit.

warnIfNoPostgres('endpoint concurrency on PostgreSQL');
const setups = [
  { name: 'SQLite, one delivery thread', pg: false, threads: 1 },
  { name: 'SQLite, two delivery threads', pg: false, threads: 2 },
  { name: 'SQLite, sending from the main thread', pg: false, threads: 0 },
  ...(TEST_PG_URL ? [{ name: 'PostgreSQL', pg: true, threads: 1 }] : []),
];
const LIMIT = 4;
const MESSAGES = 60;

describe('endpoint concurrency', () => {
  let receiver: Receiver;
  let inFlight = 0;
  let most = 0;
  beforeAll(async () => {
    // Slow enough that the backlog is always ahead of the slots.
    receiver = await startReceiver(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return { status: 200 };
    });
  });
  afterAll(() => receiver.close());

  let herald: TestHerald | undefined;
  let schema: TestSchema | null = null;
  afterEach(async () => {
    await herald?.stop();
    await schema?.drop();
    herald = undefined;
    schema = null;
  });

  it.each(setups)('never sends one endpoint more than its limit at once, and uses the limit ($name)', async ({ pg, threads }) => {
    schema = pg ? testSchema('endpoint_concurrency') : null;
    herald = await startTestHerald({ endpointConcurrency: LIMIT, deliveryThreads: threads, ...(schema ? { database: schema.url } : {}) });
    receiver.requests.length = 0;
    most = 0;
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Concurrency' })).body;
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/hook` })).status).toBe(201);
    const batch = await herald.api('POST', `/api/v1/apps/${app.id}/messages/batch`, {
      messages: Array.from({ length: MESSAGES }, (_, i) => ({ eventType: 'load.test', data: { i } })),
    });
    expect(batch.status).toBe(202);
    const received = await receiver.waitFor(MESSAGES, 30_000);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(MESSAGES);
    expect(most).toBe(LIMIT);
  });
});
