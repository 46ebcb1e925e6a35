import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Store.deliveryStatusCounts (Svix's endpoint stats), run on every backend by defineStoreContract.

export function defineDeliveryCountsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (delivery counts per status): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it("counts one endpoint's deliveries per status within a time range, and no other endpoint's", async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      const other = await store.createEndpoint(makeEndpoint(app.id));
      for (const endpointId of [ep.id, ep.id, ep.id, other.id]) {
        await store.publish({ message: makeMessage(app.id), onlyEndpointId: endpointId, idempotencySince: T, now: T });
      }
      const claimed = (await store.claimDue(claimRequest())).filter((c) => c.endpoint.id === ep.id);
      expect(claimed).toHaveLength(3);
      await store.settle([
        settlement(claimed[0]!, 'token-a', { kind: 'success' }),
        settlement(claimed[1]!, 'token-a', { kind: 'failed', disableEndpoint: false }),
      ]);

      expect(await store.deliveryStatusCounts(app.id, ep.id, null, null)).toEqual({ pending: 1, success: 1, failed: 1, cancelled: 0 });
      expect(await store.deliveryStatusCounts(app.id, other.id, null, null)).toEqual({ pending: 1, success: 0, failed: 0, cancelled: 0 });
      // The range is on the deliveries' creation (at T): [since, until).
      expect(await store.deliveryStatusCounts(app.id, ep.id, iso(T), iso(T + 1))).toEqual({ pending: 1, success: 1, failed: 1, cancelled: 0 });
      expect(await store.deliveryStatusCounts(app.id, ep.id, iso(T + 1), null)).toEqual({ pending: 0, success: 0, failed: 0, cancelled: 0 });
      expect(await store.deliveryStatusCounts(app.id, ep.id, null, iso(T))).toEqual({ pending: 0, success: 0, failed: 0, cancelled: 0 });
      // Another app's view of the same endpoint id sees nothing.
      const stranger = await store.createApp(makeApp());
      expect(await store.deliveryStatusCounts(stranger.id, ep.id, null, null)).toEqual({ pending: 0, success: 0, failed: 0, cancelled: 0 });
    });
  });
}
