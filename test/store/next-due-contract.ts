import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { claimRequest, freshStoreEachTest, makeApp, makeEndpoint, makeMessage, settlement, T, type StoreFixture } from './store-fixtures.js';

// nextDueAt right after a claim that came back short: the delivery loop asks it to know how long to
// pause. PostgreSQL answers it within the claim's own call (migration 26); whatever is written after
// that claim must still count, as it does when the store is asked afresh.

export function defineNextDueContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${backend}: nextDueAt after a short claim`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => (store = fresh.store));
    const publish = (appId: string, now = T) => store.publish({ message: makeMessage(appId), idempotencySince: now - 86_400_000, now });

    it('counts the claim\'s own leases, then a publish, a settle and an endpoint enabled after it', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      await publish(app.id);
      const [first] = await store.claimDue(claimRequest());
      // Short (1 of 100): the only pending delivery is the one just leased, due again when its lease ends.
      expect(await store.nextDueAt()).toBe(T + 2 * 1000 + 500);

      expect(await store.claimDue(claimRequest({ now: T + 1 }))).toEqual([]);
      await publish(app.id, T + 1);
      expect(await store.nextDueAt()).toBe(T + 1);

      const [second] = await store.claimDue(claimRequest({ now: T + 2 }));
      await store.settle([
        settlement(first!, 'token-a', { kind: 'retry', nextAttemptAt: T + 700 }, T + 3),
        settlement(second!, 'token-a', { kind: 'success' }, T + 3),
      ]);
      expect(await store.nextDueAt()).toBe(T + 700);

      await store.updateEndpoint({ ...ep, disabled: true });
      expect(await store.claimDue(claimRequest({ now: T + 800 }))).toEqual([]);
      expect(await store.nextDueAt()).toBeNull();
      await store.updateEndpoint({ ...ep, disabled: false });
      expect(await store.nextDueAt()).toBe(T + 700);
    });

    it('answers a claim that filled its batch by asking the store', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      await publish(app.id);
      await publish(app.id);
      expect(await store.claimDue(claimRequest({ limit: 1 }))).toHaveLength(1);
      expect(await store.nextDueAt()).toBe(T);
    });
  });
}
