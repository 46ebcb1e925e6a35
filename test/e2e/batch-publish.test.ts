import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

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

describe('bulk and concurrent publishing', () => {
  it('accepts a batch of 1,000 messages with per-message semantics, and delivers each once', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'bulk' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, eventTypes: ['bulk.item'] });
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      eventType: i % 10 === 0 ? 'other.type' : 'bulk.item',
      data: { i },
      ...(i < 5 ? { idempotencyKey: `dup-${i % 2}` } : {}),
    }));
    const res = await herald.api('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages });
    expect(res.status).toBe(202);
    expect(res.body.data).toHaveLength(1000);
    // Keys dup-0 and dup-1 repeat within the batch: later ones are the earlier messages.
    const [m0, m1, m2, m3, m4] = res.body.data;
    expect(m2.id).toBe(m0.id);
    expect(m4.id).toBe(m0.id);
    expect(m3.id).toBe(m1.id);
    expect(m2.duplicate).toBe(true);
    const distinct = new Set(res.body.data.map((m: any) => m.id));
    expect(distinct.size).toBe(997);
    // Filters still apply per message: every 10th is another event type (i = 0 among them).
    const expected = [...new Set(res.body.data.filter((m: any) => m.eventType === 'bulk.item').map((m: any) => m.id))];
    await receiver.waitFor(expected.length, 20_000);
    // A sentinel published afterwards: once it has arrived, a second delivery of any batch message
    // (committed earlier, so due and claimed earlier) would have arrived too.
    const sentinel = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'bulk.item', data: { sentinel: true } })).body;
    await eventually(() => receiver.requests.some((r) => r.headers['webhook-id'] === sentinel.id), 20_000);
    const got = receiver.requests.map((r) => r.headers['webhook-id']).filter((id) => id !== sentinel.id);
    expect(new Set(got)).toEqual(new Set(expected));
    expect(got).toHaveLength(expected.length);
  });

  it('rejects an empty batch, more than 1,000 messages, and one invalid message with a clear error', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'bulk-bad' })).body;
    const path = `/api/v1/apps/${app.id}/messages/batch`;
    expect((await herald.api('POST', path, { messages: [] })).body.code).toBe('validation_error');
    const tooMany = Array.from({ length: 1001 }, () => ({ eventType: 'a.b', data: 1 }));
    expect((await herald.api('POST', path, { messages: tooMany })).status).toBe(400);
    const bad = await herald.api('POST', path, { messages: [{ eventType: 'a.b', data: 1 }, { eventType: 'no spaces allowed', data: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('messages[1].eventType');
    // Nothing from a rejected batch was stored.
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages`)).body.data).toHaveLength(0);
  });

  it('commits concurrent single publishes together and answers each with its own message', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'concurrent' })).body;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'c.d', data: { i }, ...(i % 50 === 0 ? { idempotencyKey: 'same' } : {}) }),
      ),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    results.forEach((r, i) => expect(r.body.data).toEqual({ i: i % 50 === 0 ? 0 : i }));
    const sameKey = new Set(results.filter((_, i) => i % 50 === 0).map((r) => r.body.id));
    expect(sameKey.size).toBe(1);
    let count = 0;
    let iterator: string | undefined;
    do {
      const page = await herald.api('GET', `/api/v1/apps/${app.id}/messages?limit=250${iterator ? `&iterator=${iterator}` : ''}`);
      count += page.body.data.length;
      iterator = page.body.done ? undefined : page.body.iterator;
    } while (iterator);
    expect(count).toBe(197);
  });
});
