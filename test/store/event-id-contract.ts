import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Publisher-chosen event ids and times (migration 13): kept with the message for every delivery,
// and an event id is unique per app within the idempotency window, as an idempotency key is.

const DAY = 86_400_000;

export function defineEventIdContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (publisher event ids): ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    const publish = (s: Store, appId: string, message: Partial<Message> = {}, now = T) =>
      s.publish({ message: makeMessage(appId, { createdAt: iso(now), ...message }), idempotencySince: now - DAY, now });

    async function appWithEndpoint() {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      return app;
    }

    it('keeps the event id and time as published, in reads and in claims; messages without them have none', async () => {
      const app = await appWithEndpoint();
      const withIds = (await publish(store, app.id, { eventId: '5f8d6c9747120500116899e4', eventTime: '2020-10-19T12:38:15.127+02:00' })).message;
      const plain = (await publish(store, app.id)).message;
      expect(await store.getMessage(app.id, withIds.id)).toMatchObject({ eventId: '5f8d6c9747120500116899e4', eventTime: '2020-10-19T12:38:15.127+02:00' });
      expect((await store.getMessage(app.id, plain.id))?.eventId).toBeUndefined();
      const claimed = await store.claimDue(claimRequest());
      const byId = new Map(claimed.map((c) => [c.message.id, c.message]));
      expect(byId.get(withIds.id)).toMatchObject({ eventId: '5f8d6c9747120500116899e4', eventTime: '2020-10-19T12:38:15.127+02:00' });
      expect(byId.get(plain.id)?.eventTime).toBeUndefined();
    });

    it('answers a repeated event id inside the window with the earlier message and no delivery; other apps and later times are free', async () => {
      const app = await appWithEndpoint();
      const first = await publish(store, app.id, { eventId: 'evt-1', dataJson: '{"first":true}' });
      const again = await publish(store, app.id, { eventId: 'evt-1', dataJson: '{"second":true}' }, T + 1000);
      expect(again).toEqual({ message: first.message, created: false, deliveryCount: 0 });
      // Its own namespace: an idempotency key with the same text is another claim.
      expect((await publish(store, app.id, { idempotencyKey: 'evt-1' })).created).toBe(true);
      const other = await store.createApp(makeApp());
      expect((await publish(store, other.id, { eventId: 'evt-1' })).created).toBe(true);
      expect(await store.claimDue(claimRequest())).toHaveLength(2);

      const later = await publish(store, app.id, { eventId: 'evt-1' }, T + DAY + 1);
      expect(later.created).toBe(true);
      expect(later.message.id).not.toBe(first.message.id);
      // The earlier message still carries its id in its body; only the claim moved on.
      expect((await store.getMessage(app.id, first.message.id))?.eventId).toBe('evt-1');
      expect((await publish(store, app.id, { eventId: 'evt-1' }, T + DAY + 2)).message.id).toBe(later.message.id);
    });

    it('finds a message by its event id, in its own app only', async () => {
      const app = await appWithEndpoint();
      const published = (await publish(store, app.id, { eventId: 'evt-find-me' })).message;
      await publish(store, app.id, { eventId: 'evt-other' });
      expect((await store.getMessageByEventId(app.id, 'evt-find-me'))?.id).toBe(published.id);
      expect(await store.getMessageByEventId(app.id, 'evt-missing')).toBeNull();
      const other = await store.createApp(makeApp());
      expect(await store.getMessageByEventId(other.id, 'evt-find-me')).toBeNull();
    });

    it('a repeat matches on either claim: same idempotency key or same event id', async () => {
      const app = await appWithEndpoint();
      const first = await publish(store, app.id, { idempotencyKey: 'k', eventId: 'e' });
      expect((await publish(store, app.id, { idempotencyKey: 'k', eventId: 'other' })).message.id).toBe(first.message.id);
      expect((await publish(store, app.id, { idempotencyKey: 'other', eventId: 'e' })).message.id).toBe(first.message.id);
      expect((await publish(store, app.id, { eventId: 'e' })).created).toBe(false);
    });

    it('in a batch, later messages repeating an event id get the first one', async () => {
      const app = await appWithEndpoint();
      const inputs = [
        makeMessage(app.id, { eventId: 'a' }),
        makeMessage(app.id, { eventId: 'b' }),
        makeMessage(app.id, { eventId: 'a' }),
        makeMessage(app.id),
      ].map((message) => ({ message, idempotencySince: T - DAY, now: T }));
      const results = await store.publishMany(inputs);
      expect(results.map((r) => r.created)).toEqual([true, true, false, true]);
      expect(results[2]!.message.id).toBe(results[0]!.message.id);
      expect(await store.claimDue(claimRequest())).toHaveLength(3);
    });

    it('two processes publishing the same event id at once create one message', async () => {
      const app = await appWithEndpoint();
      const others = await Promise.all([fx.openAnother(), fx.openAnother(), fx.openAnother()]);
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all([store, ...others].flatMap((s) => [
          publish(s, app.id, { eventId: `race-${round}` }),
          s.publishMany([{ message: makeMessage(app.id, { eventId: `race-${round}` }), idempotencySince: T - DAY, now: T }]).then((r) => r[0]!),
        ]));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      }
      expect(await store.claimDue(claimRequest())).toHaveLength(5);
    });
  });
}
