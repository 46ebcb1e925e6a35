import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Payload filters (migration 14), run on every backend by defineStoreContract: the filter is stored
// with its endpoint, fan-out applies it, and its failures are counted on the endpoint.

export function definePayloadFilterContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (payload filters): ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });
    const publish = (appId: string, dataJson: string, onlyEndpointId?: string) =>
      store.publish({ message: makeMessage(appId, { eventType: 'order.paid', dataJson }), idempotencySince: T - 86_400_000, now: T, ...(onlyEndpointId ? { onlyEndpointId } : {}) });

    it('round-trips the filter; an endpoint without one reads back without it', async () => {
      const app = await store.createApp(makeApp());
      const filtered = await store.createEndpoint(makeEndpoint(app.id, { filter: 'data.total > 10' }));
      const plain = await store.createEndpoint(makeEndpoint(app.id));
      expect(await store.getEndpoint(app.id, filtered.id)).toEqual(filtered);
      expect(await store.getEndpoint(app.id, plain.id)).toEqual(plain);
      const changed = { ...filtered, filter: 'data.total > 20' };
      await store.updateEndpoint(changed);
      expect((await (await fx.openAnother()).getEndpoint(app.id, filtered.id))?.filter).toBe('data.total > 20');
      await store.updateEndpoint({ ...changed, filter: null });
      expect((await store.getEndpoint(app.id, filtered.id))?.filter).toBeUndefined();
    });

    it('fans out only where the filter holds, in a batch too; a test event skips it', async () => {
      const app = await store.createApp(makeApp());
      const big = await store.createEndpoint(makeEndpoint(app.id, { filter: 'data.total > 10' }));
      const all = await store.createEndpoint(makeEndpoint(app.id));
      expect((await publish(app.id, '{"total":50}')).deliveryCount).toBe(2);
      expect((await publish(app.id, '{"total":5}')).deliveryCount).toBe(1);
      const batch = await store.publishMany([50, 1, 11].map((total) => ({
        message: makeMessage(app.id, { dataJson: JSON.stringify({ total }) }), idempotencySince: T, now: T,
      })));
      expect(batch.map((r) => r.deliveryCount)).toEqual([2, 1, 2]);
      expect((await publish(app.id, '{"total":1}', big.id)).deliveryCount).toBe(1);
      const claimed = await store.claimDue(claimRequest({ limit: 100 }));
      expect(claimed.filter((c) => c.endpoint.id === big.id).map((c) => JSON.parse(c.message.dataJson).total).sort()).toEqual([1, 11, 50, 50]);
      expect(claimed.filter((c) => c.endpoint.id === all.id)).toHaveLength(5);
    });

    it('counts failures against the current filter, reports them per message, and starts over when it changes', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, { filter: 'data.customer.country == "DE"' }));
      const missing = await publish(app.id, '{"total":1}');
      expect([missing.deliveryCount, missing.filterErrors]).toEqual([0, 1]);
      const batch = await store.publishMany([{}, { customer: { country: 'DE' } }, {}].map((data) => ({
        message: makeMessage(app.id, { dataJson: JSON.stringify(data) }), idempotencySince: T, now: T,
      })));
      expect(batch.map((r) => [r.deliveryCount, r.filterErrors ?? 0])).toEqual([[0, 1], [1, 0], [0, 1]]);
      const read = await store.getEndpoint(app.id, ep.id);
      expect(read?.filterErrors).toMatchObject({ count: 3, lastError: expect.stringMatching(/customer/) });

      await store.updateEndpoint({ ...read!, filter: 'has(data.customer)' });
      expect((await store.getEndpoint(app.id, ep.id))?.filterErrors).toBeUndefined();
      await store.updateEndpoint({ ...read!, filter: 'data.customer.country == "FR"' });
      await publish(app.id, '{}');
      expect((await store.getEndpoint(app.id, ep.id))?.filterErrors?.count).toBe(1);
    });
  });
}
