import { describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import type { Message } from '../../src/domain/model.js';
import { createLogger } from '../../src/observability/logger.js';
import { RetentionPurger } from '../../src/services/retention-purger.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// A message's own payload retention (migration 20: Svix's payloadRetentionPeriod/Hours, Herald's
// retentionHours), run on every backend by defineStoreContract. The purger runs with an injected
// clock, so "an hour later" or "91 days later" is a pass at that time, not a wait.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function definePayloadExpiryContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (per-message payload retention): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    /** A purger whose clock reads `clock.now`; batches of 2 so the passes page. */
    function purgerAt(clock: { now: number }, retentionMs = 30 * DAY) {
      return new RetentionPurger(store, { retentionMs, batchSize: 2, pauseMs: 0, now: () => clock.now }, createLogger('silent'));
    }

    /** Published at T (ids carry T, as the purger's cutoffs compare ids) with its own expiry or none. */
    async function publishAt(appId: string, name: string, ownRetentionMs: number | null): Promise<Message> {
      const message = makeMessage(appId, {
        id: idAt('msg', T), dataJson: JSON.stringify({ name }),
        ...(ownRetentionMs === null ? {} : { payloadExpiresAt: iso(T + ownRetentionMs) }),
      });
      return (await store.publish({ message, idempotencySince: T - DAY, now: T })).message;
    }

    /** Delivers every pending delivery once (success), recording an attempt that carries the payload. */
    async function deliverAll() {
      for (const c of await store.claimDue(claimRequest())) {
        const s = settlement(c, 'token-a', { kind: 'success' });
        s.attempt.id = idAt('atm', T);
        await store.settle([s]);
      }
    }

    const dataOf = async (appId: string, m: Message) => (await store.getMessage(appId, m.id))!.dataJson;
    const attemptBodyOf = async (appId: string, m: Message) => (await store.listAttemptsForMessage(appId, m.id, { limit: 5 })).data[0]!.request.body;

    it('reads the expiry back with the message, and a message without one reads back without the field', async () => {
      const app = await store.createApp(makeApp());
      const own = await publishAt(app.id, 'own', 2 * HOUR);
      const plain = await publishAt(app.id, 'plain', null);
      expect((await store.getMessage(app.id, own.id))!.payloadExpiresAt).toBe(iso(T + 2 * HOUR));
      expect(await store.getMessage(app.id, plain.id)).not.toHaveProperty('payloadExpiresAt');
      expect((await store.listMessages(app.id, { limit: 10 })).data.find((m) => m.id === own.id)!.payloadExpiresAt).toBe(iso(T + 2 * HOUR));
    });

    it('purges a message asking for an hour after that hour, with its attempts\' bodies; the others keep theirs', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      const hour = await publishAt(app.id, 'one hour', HOUR);
      const plain = await publishAt(app.id, 'server-wide', null);
      const long = await publishAt(app.id, 'ninety days', 90 * DAY);
      await deliverAll();
      const clock = { now: T + 30 * 60_000 };
      const purger = purgerAt(clock);

      // Half an hour on: nothing is due yet.
      expect(await purger.runPass()).toEqual({ messages: 0, attempts: 0, audit: 0, idempotencyKeys: 0 });
      expect(await dataOf(app.id, hour)).toBe('{"name":"one hour"}');

      clock.now = T + HOUR + 1;
      expect(await purger.runPass()).toEqual({ messages: 1, attempts: 1, audit: 0, idempotencyKeys: 0 });
      expect(await dataOf(app.id, hour)).toBe('null');
      expect(await attemptBodyOf(app.id, hour)).toBeNull();
      // The message itself stays (as the server-wide retention keeps its rows): only the payload is gone.
      expect((await store.getMessage(app.id, hour.id))!.eventType).toBe('member.added');
      for (const [m, name] of [[plain, 'server-wide'], [long, 'ninety days']] as const) {
        expect(await dataOf(app.id, m)).toBe(JSON.stringify({ name }));
        expect(await attemptBodyOf(app.id, m)).toBe(JSON.stringify({ name }));
      }
      // Purged once: the next pass finds nothing.
      expect(await purger.runPass()).toEqual({ messages: 0, attempts: 0, audit: 0, idempotencyKeys: 0 });
    });

    it('keeps a message asking for 90 days past a 30-day server retention, and purges it at 90 days', async () => {
      const app = await store.createApp(makeApp());
      const plain = await publishAt(app.id, 'server-wide', null);
      const long = await publishAt(app.id, 'ninety days', 90 * DAY);
      const clock = { now: T + 31 * DAY };
      const purger = purgerAt(clock);

      expect((await purger.runPass()).messages).toBe(1);
      expect(await dataOf(app.id, plain)).toBe('null');
      expect(await dataOf(app.id, long)).toBe('{"name":"ninety days"}');

      clock.now = T + 90 * DAY - 1;
      expect((await purger.runPass()).messages).toBe(0);
      clock.now = T + 90 * DAY;
      expect((await purger.runPass()).messages).toBe(1);
      expect(await dataOf(app.id, long)).toBe('null');
    });

    it('purges by a message\'s own retention with no server-wide retention (--retention 0), which keeps the rest', async () => {
      const app = await store.createApp(makeApp());
      const hour = await publishAt(app.id, 'one hour', HOUR);
      const plain = await publishAt(app.id, 'kept forever', null);
      const purger = purgerAt({ now: T + 400 * DAY }, 0);
      expect((await purger.runPass()).messages).toBe(1);
      expect(await dataOf(app.id, hour)).toBe('null');
      expect(await dataOf(app.id, plain)).toBe('{"name":"kept forever"}');
    });

    it('keeps the payload of an expired message while a delivery of it is pending, and purges it once settled', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      const hour = await publishAt(app.id, 'one hour', HOUR);
      const clock = { now: T + 2 * HOUR };
      const purger = purgerAt(clock);
      expect((await purger.runPass()).messages).toBe(0);
      // The delivery still sends the payload as published.
      const [claimed] = await store.claimDue(claimRequest({ now: clock.now }));
      expect(claimed!.message.dataJson).toBe('{"name":"one hour"}');
      await store.settle([settlement(claimed!, 'token-a', { kind: 'success' }, clock.now)]);
      expect((await purger.runPass()).messages).toBe(1);
      expect(await dataOf(app.id, hour)).toBe('null');
    });

    it('pages through expired payloads in expiry order', async () => {
      const app = await store.createApp(makeApp());
      const expiries = [3 * HOUR, HOUR, 2 * HOUR];
      const messages = [];
      for (const ms of expiries) messages.push(await publishAt(app.id, `after ${ms}`, ms));
      const first = await store.purgeExpiredPayloads({ now: T + 5 * HOUR, after: null, limit: 2 });
      expect(first).toMatchObject({ scanned: 2, purged: 2, last: { expiresAt: iso(T + 2 * HOUR), id: messages[2]!.id } });
      const second = await store.purgeExpiredPayloads({ now: T + 5 * HOUR, after: first.last, limit: 2 });
      expect(second).toMatchObject({ scanned: 1, purged: 1, last: { expiresAt: iso(T + 3 * HOUR), id: messages[0]!.id } });
      for (const m of messages) expect(await dataOf(app.id, m)).toBe('null');
    });
  });
}
