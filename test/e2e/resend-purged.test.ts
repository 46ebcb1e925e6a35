import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import type { Message } from '../../src/domain/model.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// A manual resend of a message whose payload retention purged: the API refuses it with
// 410 message_purged, rather than queueing a delivery that would send `null` as the event's data.

const DAY = 86_400_000;
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
warnIfNoPostgres('resend of purged messages on PostgreSQL');

describe.each(stores)('resending a purged message ($store)', ({ pg }) => {
  let herald: TestHerald;
  let receiver: Receiver;
  let schema: TestSchema | null;

  beforeAll(async () => {
    schema = pg ? testSchema('resend-purged') : null;
    receiver = await startReceiver();
    herald = await startTestHerald(schema ? { database: schema.url } : {});
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('answers 410 message_purged and sends nothing; a message that keeps its payload is resent', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Archive' })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, eventTypes: ['invoice.paid'] })).body;
    // A message as it would be after 40 days, written straight into the store; of a type the endpoint
    // does not take, so no delivery of it is pending and retention may purge it.
    const old = Date.now() - 40 * DAY;
    const message: Message = {
      id: idAt('msg', old), appId: app.id, eventType: 'invoice.archived', dataJson: '{"invoice":"old"}',
      entity: null, idempotencyKey: null, createdAt: new Date(old).toISOString(), requestId: null, orderingKey: null,
    };
    await herald.store.publishMany([{ message, idempotencySince: old, now: old }]);
    expect(await herald.operations.retention!.runPass()).toMatchObject({ messages: 1 });
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages/${message.id}`)).body.data).toBeNull();

    const refused = await herald.api('POST', `/api/v1/apps/${app.id}/messages/${message.id}/endpoints/${ep.id}/resend`);
    expect(refused.status).toBe(410);
    expect(refused.body).toMatchObject({ code: 'message_purged', message: expect.stringContaining('retention') });

    // A recent message is resent as before; the receiver gets it (twice: publish and resend) and
    // never a request for the purged one.
    const fresh = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'invoice.paid', data: { invoice: 'new' } })).body;
    await receiver.waitFor(1);
    const resent = await herald.api('POST', `/api/v1/apps/${app.id}/messages/${fresh.id}/endpoints/${ep.id}/resend`);
    expect(resent.status).toBe(202);
    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([fresh.id, fresh.id]);
    expect(received.map((r) => JSON.parse(r.body).data)).toEqual([{ invoice: 'new' }, { invoice: 'new' }]);
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === message.id)).toBe(false);
  });
});
