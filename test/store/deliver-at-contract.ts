import { describe, expect, it } from 'vitest';
import type { HandOff } from '../../src/store/hand-off.js';
import type { ClaimedDelivery, PublishInput, Store } from '../../src/store/store.js';
import { claimRequest, freshStoreEachTest, iso, makeApp, makeEndpoint, makeMessage, T, type StoreFixture } from './store-fixtures.js';

// Svix's deliverAt and tags on a message (migration 25): a scheduled message's deliveries are due at
// its deliverAt, not handed to the local loop by the publish, and claimed only once due; tags are
// kept and filter message and attempt lists exactly.

function roomyHandOff(): HandOff & { given: ClaimedDelivery[] } {
  const given: ClaimedDelivery[] = [];
  return { leaseToken: 'token-loop', leaseMarginMs: 500, perEndpointLimit: 64, given, reserve: () => true, deliver: (c) => void given.push(...c) };
}

export function defineDeliverAtContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${backend}: deliverAt and tags`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => (store = fresh.store));
    const input = (appId: string, overrides = {}): PublishInput => ({ message: makeMessage(appId, overrides), idempotencySince: T - 86_400_000, now: T });

    it('creates a scheduled message\'s deliveries due at its deliverAt, hands none off, and claims them only then', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      const handOff = roomyHandOff();
      // A loop with room for everything: a delivery due now would be handed to it (hand-off-contract.ts).
      const [scheduled] = await store.publishMany([input(app.id, { deliverAt: iso(T + 5000) })], handOff);
      expect((await store.getMessage(app.id, scheduled!.message.id))!.deliverAt).toBe(iso(T + 5000));
      expect(handOff.given).toEqual([]);
      expect(await store.nextDueAt()).toBe(T + 5000);
      expect(await store.claimDue(claimRequest({ leaseToken: 'b', now: T + 4999 }))).toEqual([]);
      expect((await store.claimDue(claimRequest({ leaseToken: 'b', now: T + 5000 }))).map((c) => c.message.id)).toEqual([scheduled!.message.id]);
    });

    it('keeps tags and filters message and attempt lists by one exactly', async () => {
      const app = await store.createApp(makeApp());
      const [a, b] = await store.publishMany([input(app.id, { tags: ['p_1', 'x/y'] }), input(app.id, { tags: ['p_12'] }), input(app.id)]);
      expect((await store.getMessage(app.id, a!.message.id))!.tags).toEqual(['p_1', 'x/y']);
      const ids = async (tag: string) => (await store.listMessages(app.id, { limit: 10, tag })).data.map((m) => m.id);
      expect(await ids('p_1')).toEqual([a!.message.id]);
      expect(await ids('x/y')).toEqual([a!.message.id]);
      expect(await ids('p_12')).toEqual([b!.message.id]);
      expect(await ids('p')).toEqual([]);
      expect((await store.listMessages(app.id, { limit: 10 })).data).toHaveLength(3);
    });
  });
}
