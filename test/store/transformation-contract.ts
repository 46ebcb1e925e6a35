import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Transformations (migration 15), run on every backend by defineStoreContract: the code is stored
// with its endpoint, and a delivery its transformation cancelled settles as `cancelled`: final,
// never claimed again, its attempt kept with status `cancelled`.

export function defineTransformationContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (transformations): ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    it('round-trips the transformation; an endpoint without one reads back without it', async () => {
      const app = await store.createApp(makeApp());
      const code = 'function handler(w) {\n  w.headers["x-a"] = "1";\n  return w;\n}';
      const transformed = await store.createEndpoint(makeEndpoint(app.id, { transformation: code }));
      const plain = await store.createEndpoint(makeEndpoint(app.id));
      expect(await store.getEndpoint(app.id, transformed.id)).toEqual(transformed);
      expect(await store.getEndpoint(app.id, plain.id)).toEqual(plain);
      expect((await store.getEndpoint(app.id, plain.id))!.transformation).toBeUndefined();
      await store.updateEndpoint({ ...transformed, transformation: 'function handler(w) { return w; }' });
      expect((await (await fx.openAnother()).getEndpoint(app.id, transformed.id))?.transformation).toBe('function handler(w) { return w; }');
      await store.updateEndpoint({ ...transformed, transformation: null });
      expect((await store.getEndpoint(app.id, transformed.id))?.transformation).toBeUndefined();
    });

    it('hands the transformation out with a claimed delivery', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, { transformation: 'function handler(w) { return w; }' }));
      await store.publish({ message: makeMessage(app.id), idempotencySince: T - 86_400_000, now: T });
      const [claimed] = await store.claimDue(claimRequest());
      expect(claimed!.endpoint.id).toBe(ep.id);
      expect(claimed!.endpoint.transformation).toBe('function handler(w) { return w; }');
    });

    it('settles a cancelled delivery for good: state cancelled, attempt kept, never claimed again', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      const { message } = await store.publish({ message: makeMessage(app.id), idempotencySince: T - 86_400_000, now: T });
      const [claimed] = await store.claimDue(claimRequest());
      const cancel = settlement(claimed!, 'token-a', { kind: 'cancelled' });
      cancel.attempt = { ...cancel.attempt, status: 'cancelled', responseStatus: null, response: null, error: "cancelled by the endpoint's transformation (cancel: true)" };
      await store.settle([cancel]);
      expect(await store.claimDue(claimRequest({ now: T + 86_400_000, leaseToken: 'token-b' }))).toEqual([]);
      const [record] = await store.currentDeliveries(app.id, [message.id]);
      expect(record).toMatchObject({ status: 'cancelled', attempts: 1 });
      expect(record!.lastAttempt?.error).toMatch(/cancelled by the endpoint's transformation/);
      const attempts = await store.listAttemptsForMessage(app.id, message.id, { limit: 10 });
      expect(attempts.data.map((a) => a.status)).toEqual(['cancelled']);
    });
  });
}
