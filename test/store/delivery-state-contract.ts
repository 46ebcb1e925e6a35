import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// The reads behind "what is failing" (catalogue/reads.ts), on every backend: the current delivery
// to each endpoint of a page of messages with its latest attempt, and one endpoint's deliveries
// of one status.

export function defineDeliveryStateContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (delivery states): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    /** msg1 to a (delivered), b (failed once, retry at T+1000), c (failed for good); msg2 to a, not tried yet. */
    async function scene() {
      const app = await store.createApp(makeApp());
      const [a, b, c] = [await store.createEndpoint(makeEndpoint(app.id)), await store.createEndpoint(makeEndpoint(app.id)), await store.createEndpoint(makeEndpoint(app.id))];
      const msg1 = makeMessage(app.id, { eventType: 'order.created' });
      await store.publish({ message: msg1, idempotencySince: T, now: T });
      const claimed = await store.claimDue(claimRequest());
      expect(claimed).toHaveLength(3);
      const of = (id: string) => claimed.find((x) => x.endpoint.id === id)!;
      await store.settle([
        settlement(of(a!.id), 'token-a', { kind: 'success' }),
        settlement(of(b!.id), 'token-a', { kind: 'retry', nextAttemptAt: T + 1000 }),
        settlement(of(c!.id), 'token-a', { kind: 'failed', disableEndpoint: false }),
      ]);
      const msg2 = makeMessage(app.id, { eventType: 'member.added' });
      await store.publish({ message: msg2, onlyEndpointId: a!.id, idempotencySince: T, now: T + 5000 });
      return { app, a: a!, b: b!, c: c!, msg1, msg2 };
    }

    it("reads each message's current delivery per endpoint with its latest attempt, in one call", async () => {
      const { app, a, b, c, msg1, msg2 } = await scene();
      const got = await store.currentDeliveries(app.id, [msg1.id, msg2.id]);
      const find = (m: string, e: string) => got.find((d) => d.msgId === m && d.endpointId === e);
      expect(got).toHaveLength(4);
      expect(find(msg1.id, a.id)).toMatchObject({ status: 'success', attempts: 1, eventType: 'order.created', lastAttempt: { responseStatus: 200, error: null } });
      expect(find(msg1.id, b.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T + 1000, lastAttempt: { createdAt: iso(T), responseStatus: 500, error: 'HTTP 500' } });
      expect(find(msg1.id, c.id)).toMatchObject({ status: 'failed', attempts: 1, lastAttempt: { responseStatus: 500, error: 'HTTP 500' } });
      expect(find(msg2.id, a.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T + 5000, lastAttempt: null, eventType: 'member.added' });

      expect(await store.currentDeliveries(app.id, [])).toEqual([]);
      expect(await store.currentDeliveries('app_other', [msg1.id])).toEqual([]);
    });

    it('counts only the newest delivery of a message to an endpoint (a resend)', async () => {
      const { app, c, msg1 } = await scene();
      const resent = await store.createDelivery({
        id: newId('dlv'), msgId: msg1.id, endpointId: c.id, appId: app.id, status: 'pending', attempts: 0,
        nextAttemptAt: T + 9000, createdAt: iso(T + 9000), updatedAt: iso(T + 9000),
      });
      const got = (await store.currentDeliveries(app.id, [msg1.id])).filter((d) => d.endpointId === c.id);
      expect(got).toEqual([expect.objectContaining({ id: resent.id, status: 'pending', attempts: 0, lastAttempt: null })]);
    });

    it("lists one endpoint's deliveries still to be sent, soonest due first, page by page, within the event types asked", async () => {
      const { app, a, b, c, msg1, msg2 } = await scene();
      const pendingB = await store.listPendingDeliveries(app.id, b.id, { limit: 10 });
      expect(pendingB.data.map((d) => [d.msgId, d.attempts, d.nextAttemptAt])).toEqual([[msg1.id, 1, T + 1000]]);
      expect(pendingB.done).toBe(true);
      // Delivered and exhausted ones are not waiting.
      expect((await store.listPendingDeliveries(app.id, c.id, { limit: 10 })).data).toEqual([]);

      // Due in this order: msg3 (T+3000), msg2 (T+5000), msg4 (T+5000, a later id), published out of that order.
      const msg3 = makeMessage(app.id, { eventType: 'member.added' });
      const msg4 = makeMessage(app.id, { eventType: 'member.added' });
      await store.publish({ message: msg3, onlyEndpointId: a.id, idempotencySince: T, now: T + 3000 });
      await store.publish({ message: msg4, onlyEndpointId: a.id, idempotencySince: T, now: T + 5000 });
      const seen: string[] = [];
      let page = await store.listPendingDeliveries(app.id, a.id, { limit: 1 });
      for (let n = 0; n < 5; n++) {
        seen.push(...page.data.map((d) => d.msgId));
        if (page.done) break;
        const last = page.data[page.data.length - 1]!;
        page = await store.listPendingDeliveries(app.id, a.id, { limit: 1, after: { nextAttemptAt: last.nextAttemptAt, id: last.id } });
      }
      expect(seen).toEqual([msg3.id, msg2.id, msg4.id]);
      expect(page.done).toBe(true);

      expect((await store.listPendingDeliveries(app.id, b.id, { limit: 10, eventTypes: ['member.added'] })).data).toEqual([]);
      expect((await store.listPendingDeliveries(app.id, b.id, { limit: 10, eventTypes: [] })).data).toEqual([]);
      expect((await store.listPendingDeliveries(app.id, b.id, { limit: 10, eventTypes: ['order.created'] })).data).toHaveLength(1);
      expect((await store.listPendingDeliveries('app_other', b.id, { limit: 10 })).data).toEqual([]);
    });
  });
}
