import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { makeApp, makeEndpoint, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Svix's metadata on apps and endpoints (migration 19), run on every backend by defineStoreContract.

export function defineMetadataContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (metadata): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it('round-trips app and endpoint metadata, and a record without any reads back without the field', async () => {
      const app = await store.createApp(makeApp({ metadata: { plan: 'gold', 'ünï': 'cødé' } }));
      expect((await store.getApp(app.id))?.metadata).toEqual({ plan: 'gold', 'ünï': 'cødé' });
      const bare = await store.createApp(makeApp());
      expect(await store.getApp(bare.id)).not.toHaveProperty('metadata');

      const ep = await store.createEndpoint(makeEndpoint(app.id, { metadata: { owner: 'billing' } }));
      expect((await store.getEndpoint(app.id, ep.id))?.metadata).toEqual({ owner: 'billing' });
      await store.updateEndpoint({ ...ep, metadata: { owner: 'ops' } });
      expect((await store.getEndpoint(app.id, ep.id))?.metadata).toEqual({ owner: 'ops' });
      // Emptied: stored as none.
      await store.updateEndpoint({ ...ep, metadata: {} });
      expect(await store.getEndpoint(app.id, ep.id)).not.toHaveProperty('metadata');
      await store.updateApp({ ...app, metadata: {} });
      expect(await store.getApp(app.id)).not.toHaveProperty('metadata');
    });
  });
}
