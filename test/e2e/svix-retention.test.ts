import { describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { createLogger } from '../../src/observability/logger.js';
import { RetentionPurger } from '../../src/services/retention-purger.js';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Per-message payload retention through Svix's SDK (payloadRetentionHours/Period) and Herald's own
// API (retentionHours), against a real Herald and receiver on both stores. The purge pass runs on
// Herald's store with a clock two hours ahead, rather than waiting an hour.

const HOUR = 3_600_000;
const stores = bothStores('per-message payload retention on PostgreSQL');

describe.each(stores)('per-message payload retention ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-retention', pg);

  /** The message as Herald's own API reads it. */
  const heraldMessage = async (appId: string, msgId: string) => (await env.herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body;
  const hoursKept = (m: { createdAt: string; payloadExpiresAt: string }) => (Date.parse(m.payloadExpiresAt) - Date.parse(m.createdAt)) / HOUR;

  it('a message sent with payloadRetentionHours 1 loses its payload at the purge after that hour; the others keep theirs', async () => {
    const app = await env.svix.application.create({ name: 'Retained', uid: 'retained' });
    await env.svix.endpoint.create(app.id, { url: env.receiver.url });
    const short = await env.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'short' }, payloadRetentionHours: 1 });
    const plain = await env.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'plain' } });
    const long = await env.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'long' }, payloadRetentionPeriod: 90 });
    await env.receiver.waitFor(3);
    // Settled (each attempt recorded), so no pending delivery holds a payload back.
    for (const m of [short, plain, long]) {
      await eventually(async () => (await env.svix.messageAttempt.listByMsg(app.id, m.id)).data.length === 1);
    }
    expect(hoursKept(await heraldMessage(app.id, short.id))).toBe(1);
    expect((await heraldMessage(app.id, plain.id)).payloadExpiresAt).toBeNull();
    expect(hoursKept(await heraldMessage(app.id, long.id))).toBe(90 * 24);

    // Before the hour is over a pass leaves every payload; two hours on, the short one goes.
    expect((await env.herald.operations.retention!.runPass()).messages).toBe(0);
    const later = new RetentionPurger(env.herald.store, { retentionMs: 30 * 24 * HOUR, now: () => Date.now() + 2 * HOUR }, createLogger('silent'));
    expect((await later.runPass()).messages).toBe(1);

    // Svix answers a payload its retention removed as {"expired": true}.
    expect((await env.svix.message.get(app.id, short.id)).payload).toEqual({ expired: true });
    expect((await env.svix.message.get(app.id, plain.id)).payload).toEqual({ invoice: 'plain' });
    expect((await env.svix.message.get(app.id, long.id)).payload).toEqual({ invoice: 'long' });
    // Gone from Herald's own API too, with the body its attempt recorded; the message and attempt stay.
    expect((await heraldMessage(app.id, short.id)).data).toBeNull();
    const [shortAttempt] = (await env.herald.api('GET', `/api/v1/apps/${app.id}/messages/${short.id}/attempts`)).body.data;
    expect(shortAttempt).toMatchObject({ status: 'success', request: { body: null } });
    const [plainAttempt] = (await env.herald.api('GET', `/api/v1/apps/${app.id}/messages/${plain.id}/attempts`)).body.data;
    expect(JSON.parse(plainAttempt.request.body)).toEqual({ invoice: 'plain' });
  });

  it('payloadRetentionHours wins over payloadRetentionPeriod; a period alone is days; Herald\'s API takes retentionHours', async () => {
    const app = await env.svix.application.create({ name: 'Both fields' });
    const both = await env.svix.message.create(app.id, { eventType: 'a.b', payload: {}, payloadRetentionPeriod: 90, payloadRetentionHours: 5 });
    expect(hoursKept(await heraldMessage(app.id, both.id))).toBe(5);
    const days = await env.svix.message.create(app.id, { eventType: 'a.b', payload: {}, payloadRetentionPeriod: 2 });
    expect(hoursKept(await heraldMessage(app.id, days.id))).toBe(48);

    const own = await env.herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: { x: 1 }, retentionHours: 3 });
    expect(own.status).toBe(202);
    expect(hoursKept(own.body)).toBe(3);
    const tooLong = await env.herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: {}, retentionHours: 2161 });
    expect(tooLong.status).toBe(400);
    const svixTooLong = await env.herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'a.b', payload: {}, payloadRetentionHours: 2161 });
    expect(svixTooLong.status).toBe(422);
  });
});
