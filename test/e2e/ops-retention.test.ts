import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import { newId } from '../../src/domain/ids.js';
import type { Message } from '../../src/domain/model.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Retention: payloads and recorded bodies older than the retention period (default 30 days) are
// cleared in small batches while delivery goes on; the records themselves stay.

const DAY = 86_400_000;
const OLD_ROWS = 1100; // three batches of 500 per table

let herald: TestHerald;
let receiver: Receiver;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver();
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

/** Messages and attempts as they would be after 40 days, written straight into the store. */
async function seedOldHistory() {
  const app = (await herald.api('POST', '/api/v1/apps', { name: 'Archive' })).body;
  const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, disabled: true })).body;
  const old = Date.now() - 40 * DAY;
  const messages: Message[] = Array.from({ length: OLD_ROWS + 1 }, (_, i) => ({
    id: idAt('msg', old + i), appId: app.id, eventType: 'invoice.paid', dataJson: JSON.stringify({ secret: `payload ${i}` }),
    entity: null, idempotencyKey: null, createdAt: new Date(old + i).toISOString(), requestId: null, orderingKey: null,
  }));
  await herald.store.publishMany(messages.map((message) => ({ message, idempotencySince: old, now: old })));
  const delivery = (msg: Message, status: 'success' | 'pending') => herald.store.createDelivery({
    id: newId('dlv'), msgId: msg.id, endpointId: ep.id, appId: app.id, status, attempts: 1,
    nextAttemptAt: old, createdAt: msg.createdAt, updatedAt: msg.createdAt,
  });
  // One delivery row carries all the old attempts (the store only checks that it exists); the
  // last message is still being delivered, so it keeps its payload.
  const done = await delivery(messages[0]!, 'success');
  await delivery(messages[OLD_ROWS]!, 'pending');
  const settlements = messages.map((m, i) => ({
    deliveryId: done.id, leaseToken: 'seed', outcome: { kind: 'success' as const }, now: old + i,
    attempt: {
      id: idAt('atm', old + i), deliveryId: done.id, msgId: m.id, endpointId: ep.id, appId: app.id, attempt: 1, status: 'success' as const,
      responseStatus: 200, durationMs: 7, createdAt: m.createdAt, error: null,
      request: { method: 'POST', url: receiver.url, headers: { 'webhook-id': m.id }, body: m.dataJson },
      response: { headers: { 'x-receipt': String(i) }, body: `receipt ${i}` },
    },
  }));
  await herald.store.settle(settlements);
  return { app, oldest: messages[0]!, stillPending: messages[OLD_ROWS]! };
}

describe('retention', () => {
  it('purges old payloads and bodies in the background, keeping metadata, while deliveries go on', async () => {
    const { app: archive, oldest, stillPending } = await seedOldHistory();
    const live = (await herald.api('POST', '/api/v1/apps', { name: 'Live' })).body;
    await herald.api('POST', `/api/v1/apps/${live.id}/endpoints`, { url: receiver.url });

    const pass = herald.operations.retention!.runPass();
    const published: string[] = [];
    for (let i = 0; i < 10; i++) {
      published.push((await herald.api('POST', `/api/v1/apps/${live.id}/messages`, { eventType: 'order.paid', data: { i } })).body.id);
    }
    await receiver.waitFor(10);
    expect(await pass).toEqual({ messages: OLD_ROWS, attempts: OLD_ROWS + 1, audit: 0, idempotencyKeys: 0 });

    const purged = (await herald.api('GET', `/api/v1/apps/${archive.id}/messages/${oldest.id}`)).body;
    expect(purged).toMatchObject({ id: oldest.id, eventType: 'invoice.paid', createdAt: oldest.createdAt, data: null });
    const [attempt] = (await herald.api('GET', `/api/v1/apps/${archive.id}/messages/${oldest.id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ status: 'success', responseStatus: 200, durationMs: 7 });
    expect(attempt.request).toMatchObject({ method: 'POST', headers: { 'webhook-id': oldest.id }, body: null });
    expect(attempt.response).toEqual({ headers: { 'x-receipt': '0' }, body: null });

    // Kept: a message still being delivered, and everything recent.
    expect((await herald.api('GET', `/api/v1/apps/${archive.id}/messages/${stillPending.id}`)).body.data).toEqual({ secret: `payload ${OLD_ROWS}` });
    for (const id of published.slice(0, 2)) {
      expect((await herald.api('GET', `/api/v1/apps/${live.id}/messages/${id}`)).body.data).toMatchObject({ i: expect.any(Number) });
    }
    const recent = (await herald.api('GET', `/api/v1/apps/${live.id}/messages/${published[0]}/attempts`)).body.data[0];
    expect(JSON.parse(recent.request.body).data).toEqual({ i: 0 });
    // A second pass finds nothing new to purge.
    expect(await herald.operations.retention!.runPass()).toEqual({ messages: 0, attempts: 0, audit: 0, idempotencyKeys: 0 });
  });
});

describe('the retention schedule', () => {
  /** One message as it would be after 40 days, with no delivery pending: purgeable. */
  async function oldMessage(h: TestHerald) {
    const app = (await h.api('POST', '/api/v1/apps', { name: 'Old' })).body;
    const old = Date.now() - 40 * DAY;
    const message: Message = {
      id: idAt('msg', old), appId: app.id, eventType: 'invoice.paid', dataJson: '{"secret":"old"}',
      entity: null, idempotencyKey: null, createdAt: new Date(old).toISOString(), requestId: null, orderingKey: null,
    };
    await h.store.publishMany([{ message, idempotencySince: old, now: old }]);
    return { appId: app.id as string, msgId: message.id };
  }

  it('purges in the background on its own, with no pass run by hand', async () => {
    // A 2-second retention period: a pass every second (a quarter of it, at least 1 s).
    const h = await startTestHerald({ retention: 2000 });
    try {
      // Written after start-up, so only a later scheduled pass can purge it.
      const { appId, msgId } = await oldMessage(h);
      await eventually(async () => (await h.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body.data === null, 15_000);
    } finally {
      await h.stop();
    }
  });

  it('is off with --retention 0: a pass purges no old payload (it only clears messages that asked for their own retention)', async () => {
    const h = await startTestHerald({ retention: 0 });
    try {
      const { appId, msgId } = await oldMessage(h);
      expect(await h.operations.retention!.runPass()).toEqual({ messages: 0, attempts: 0, audit: 0, idempotencyKeys: 0 });
      expect((await h.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body.data).toEqual({ secret: 'old' });
    } finally {
      await h.stop();
    }
  });
});

