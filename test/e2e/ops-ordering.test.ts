import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Ordered delivery (endpoint `ordering: "entity"`), on each store: messages about one entity reach
// the receiver one at a time and in publish order, even when some fail and are retried, while
// different entities go on in parallel.

warnIfNoPostgres('ordered delivery on PostgreSQL (test/e2e/ops-ordering.test.ts)');

const ENTITIES = 4;
const PER_ENTITY = 6;

const stores: Array<{ name: string; schema: () => TestSchema | null }> = [
  { name: 'SQLite', schema: () => null },
  ...(TEST_PG_URL ? [{ name: 'PostgreSQL', schema: () => testSchema('ordering') }] : []),
];

let herald: TestHerald | null = null;
let receiver: Receiver | null = null;
let schema: TestSchema | null = null;
afterEach(async () => {
  await herald?.stop();
  await receiver?.close();
  await schema?.drop();
  herald = receiver = schema = null;
});

describe.each(stores)('ordered delivery on $name', ({ schema: makeSchema }) => {
  it('delivers each entity in publish order, holding later messages while an earlier one retries', async () => {
    schema = makeSchema();
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    // Every third message of an entity fails its first attempt (and is retried 50 ms later).
    const failedOnce = new Set<string>();
    receiver = await startReceiver((req) => {
      const { entity, seq } = JSON.parse(req.body).data as { entity: number; seq: number };
      const key = `${entity}:${seq}`;
      if (seq % 3 === 0 && !failedOnce.has(key)) {
        failedOnce.add(key);
        return { status: 500 };
      }
      return { status: 200 };
    });
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Ordered' })).body;
    const ordered = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, ordering: 'entity' });
    expect(ordered.body.ordering).toBe('entity');

    // Interleaved across entities, as a product would publish them (one batch per round).
    const body = (entity: number, seq: number) => ({ eventType: 'order.updated', data: { entity, seq }, entity: { type: 'Order', id: entity } });
    for (let seq = 0; seq < PER_ENTITY; seq++) {
      const messages = Array.from({ length: ENTITIES }, (_, entity) => body(entity, seq));
      expect((await herald.api('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages })).status).toBe(202);
    }
    const retries = ENTITIES * Math.ceil(PER_ENTITY / 3);
    const received = await receiver.waitFor(ENTITIES * PER_ENTITY + retries, 20_000);

    for (let entity = 0; entity < ENTITIES; entity++) {
      const arrivals = received.map((r) => JSON.parse(r.body).data).filter((d) => d.entity === entity).map((d) => d.seq as number);
      // A failed message is retried before anything later of its entity is sent: 0,0,1,2,3,3,4,5.
      const expected = Array.from({ length: PER_ENTITY }, (_, seq) => (seq % 3 === 0 ? [seq, seq] : [seq])).flat();
      expect(arrivals, `entity ${entity}`).toEqual(expected);
    }
  });
});

describe('unordered endpoints (the default)', () => {
  it('do not hold messages of an entity behind a retrying one', async () => {
    herald = await startTestHerald();
    let first = true;
    receiver = await startReceiver(() => {
      const reply = first ? { status: 500 } : { status: 200 };
      first = false;
      return reply;
    });
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Unordered' })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT1H'] })).body;
    expect(ep.ordering).toBe('unordered');
    await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: { seq: 0 }, orderingKey: 'k' });
    await receiver.waitFor(1);
    await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: { seq: 1 }, orderingKey: 'k' });
    // The second arrives while the first waits an hour for its retry.
    const [, second] = await receiver.waitFor(2);
    expect(JSON.parse(second!.body).data).toEqual({ seq: 1 });
  });
});
