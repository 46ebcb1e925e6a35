import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// What triggered an attempt (migration 22: deliveries.manual), read back on the attempt as Svix's
// triggerType; the status-code class filter; and how many of an endpoint's deliveries are in flight (Svix's stats `sending`).

const DAY = 86_400_000;

export function defineAttemptTriggerContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (attempt trigger, status class, in flight): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    async function published() {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      const { message } = await store.publish({ message: makeMessage(app.id), idempotencySince: T - DAY, now: T });
      return { app, ep, message };
    }

    it('reads an attempt of a resent or recovered delivery as manual, one of the publish as not', async () => {
      const { app, ep, message } = await published();
      const [first] = await store.claimDue(claimRequest());
      await store.settle([settlement(first!, 'token-a', { kind: 'failed', disableEndpoint: false })]);
      // A resend (MessageService.resend) marks its delivery manual.
      await store.createDelivery({
        id: newId('dlv'), msgId: message.id, endpointId: ep.id, appId: app.id, status: 'pending', attempts: 0,
        nextAttemptAt: T + 5, createdAt: iso(T + 5), updatedAt: iso(T + 5), manual: true,
      });
      const [resent] = await store.claimDue(claimRequest({ now: T + 5 }));
      await store.settle([settlement(resent!, 'token-a', { kind: 'failed', disableEndpoint: false }, T + 6)]);
      // A recovery of what failed since T makes another, manual too.
      expect(await store.recoverBatch({ appId: app.id, endpointId: ep.id, since: iso(T), afterMsgId: null, limit: 10, now: T + 10 })).toMatchObject({ created: 1 });
      const [recovered] = await store.claimDue(claimRequest({ now: T + 10 }));
      await store.settle([settlement(recovered!, 'token-a', { kind: 'success' }, T + 11)]);

      const attempts = (await store.listAttemptsForMessage(app.id, message.id, { limit: 10, order: 'asc' })).data;
      expect(attempts.map((a) => a.manual === true)).toEqual([false, true, true]);
      const byEndpoint = (await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 10, order: 'asc' })).data;
      expect(byEndpoint.map((a) => a.manual === true)).toEqual([false, true, true]);
    });

    it('filters attempts by the class of their response status; class 0 is no response at all', async () => {
      const { app, ep, message } = await published();
      for (const status of [201, 302, 404, 503, null]) {
        const [c] = await store.claimDue(claimRequest({ now: T + 100 }));
        const settled = settlement(c!, 'token-a', { kind: 'retry', nextAttemptAt: T + 50 }, T + 100);
        settled.attempt.responseStatus = status;
        await store.settle([settled]);
      }
      const classOf = async (statusCodeClass: 0 | 100 | 200 | 300 | 400 | 500) =>
        (await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 10, statusCodeClass })).data.map((a) => a.responseStatus);
      expect(await classOf(200)).toEqual([201]);
      expect(await classOf(300)).toEqual([302]);
      expect(await classOf(400)).toEqual([404]);
      expect(await classOf(500)).toEqual([503]);
      expect(await classOf(0)).toEqual([null]);
      expect(await classOf(100)).toEqual([]);
      expect((await store.listAttemptsForMessage(app.id, message.id, { limit: 10, statusCodeClass: 400, status: 'failed' })).data).toHaveLength(1);
    });

    it('counts the deliveries under a live lease as in flight, within the time window', async () => {
      const { app, ep } = await published();
      await store.publish({ message: makeMessage(app.id, { createdAt: iso(T + 1) }), idempotencySince: T - DAY, now: T + 1 });
      expect(await store.inFlightCount(app.id, ep.id, null, null, T + 1)).toBe(0);
      const claimed = await store.claimDue(claimRequest({ now: T + 1 }));
      expect(claimed).toHaveLength(2);
      expect(await store.inFlightCount(app.id, ep.id, null, null, T + 2)).toBe(2);
      expect(await store.inFlightCount(app.id, ep.id, iso(T + 1), null, T + 2)).toBe(1);
      expect(await store.inFlightCount(app.id, ep.id, null, iso(T + 1), T + 2)).toBe(1);
      expect(await store.inFlightCount(makeApp().id, ep.id, null, null, T + 2)).toBe(0);
      await store.settle([settlement(claimed[0]!, 'token-a', { kind: 'success' }, T + 2)]);
      expect(await store.inFlightCount(app.id, ep.id, null, null, T + 3)).toBe(1);
      // A lease that ran out is no longer in flight (its delivery is due again).
      expect(await store.inFlightCount(app.id, ep.id, null, null, T + 60_000)).toBe(0);
    });
  });
}
