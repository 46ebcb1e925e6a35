import { describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import type { Message } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// The dashboard reads (hourly attempt stats, messages about one entity), run on every backend by
// defineStoreContract. Every backend must have them: the services no longer fall back to scanning
// lists, which stopped after a fixed number of rows and so undercounted busy endpoints.

const HOUR = 3_600_000;

export function defineInsightsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (dashboard reads): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it('has both reads', () => {
      expect(typeof store.hourlyAttemptStats).toBe('function');
      expect(typeof store.listMessagesByEntity).toBe('function');
    });

    it('counts one endpoint\'s attempts per UTC hour since a time, oldest hour first', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      const other = await store.createEndpoint(makeEndpoint(app.id));
      const since = T - 23 * HOUR;
      // [endpoint, when, ok, duration]: one attempt each, recorded with ids and times of `when`.
      const attempts: Array<[string, number, boolean, number]> = [
        [ep.id, since - 1, true, 7], // just before the window
        [ep.id, since, true, 20], // its first instant
        [ep.id, T - 3 * HOUR + 5 * 60_000, true, 100],
        [ep.id, T - 3 * HOUR + 59 * 60_000, false, 300],
        [ep.id, T - HOUR + 1, true, 50],
        [other.id, T - HOUR + 2, false, 9_999], // another endpoint
      ];
      for (const [endpointId] of attempts) {
        await store.publish({ message: makeMessage(app.id), onlyEndpointId: endpointId, idempotencySince: T, now: T });
      }
      const claimed = await store.claimDue(claimRequest());
      expect(claimed).toHaveLength(attempts.length);
      const unused = [...claimed];
      await store.settle(attempts.map(([endpointId, at, ok, durationMs]) => {
        const c = unused.splice(unused.findIndex((x) => x.endpoint.id === endpointId), 1)[0]!;
        const s = settlement(c, 'token-a', ok ? { kind: 'success' } : { kind: 'failed', disableEndpoint: false });
        s.attempt = { ...s.attempt, id: idAt('atm', at), createdAt: iso(at), durationMs };
        return s;
      }));

      expect(await store.hourlyAttemptStats(app.id, ep.id, iso(since))).toEqual([
        { hour: iso(since), attempts: 1, successes: 1, totalDurationMs: 20, maxDurationMs: 20 },
        { hour: iso(T - 3 * HOUR), attempts: 2, successes: 1, totalDurationMs: 400, maxDurationMs: 300 },
        { hour: iso(T - HOUR), attempts: 1, successes: 1, totalDurationMs: 50, maxDurationMs: 50 },
      ]);
      expect(await store.hourlyAttemptStats('app_other', ep.id, iso(since))).toEqual([]);
    });

    it('lists the messages about one entity newest first, by the id spellings asked for, page by page', async () => {
      const app = await store.createApp(makeApp());
      const elsewhere = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      let clock = T;
      const publish = async (appId: string, type: string, id: string | number): Promise<Message> => {
        clock += 1000;
        const message = makeMessage(appId, { id: idAt('msg', clock), entity: { type, id } });
        return (await store.publish({ message, idempotencySince: clock, now: clock })).message;
      };
      const n1 = await publish(app.id, 'Order', 25);
      const s1 = await publish(app.id, 'Order', '25');
      await publish(app.id, 'Order', 26);
      await publish(app.id, 'User', 25);
      await publish(elsewhere.id, 'Order', 25);
      const n2 = await publish(app.id, 'Order', 25);

      const ids = (page: { data: Message[] }) => page.data.map((m) => m.id);
      const numeric = await store.listMessagesByEntity(app.id, { type: 'Order', ids: [25] }, { limit: 10 });
      expect(numeric).toEqual({ data: [n2, n1], iterator: n1.id, done: true });
      expect(numeric.data.map((m) => m.entity)).toEqual([{ type: 'Order', id: 25 }, { type: 'Order', id: 25 }]);
      const text = await store.listMessagesByEntity(app.id, { type: 'Order', ids: ['25'] }, { limit: 10 });
      expect(text.data.map((m) => m.entity)).toEqual([{ type: 'Order', id: '25' }]);

      const either = { type: 'Order', ids: ['25', 25] };
      const first = await store.listMessagesByEntity(app.id, either, { limit: 2 });
      expect({ ids: ids(first), done: first.done }).toEqual({ ids: [n2.id, s1.id], done: false });
      const rest = await store.listMessagesByEntity(app.id, either, { limit: 2, iterator: first.iterator! });
      expect({ ids: ids(rest), done: rest.done }).toEqual({ ids: [n1.id], done: true });

      expect(await store.listMessagesByEntity(app.id, { type: 'Order', ids: [27] }, { limit: 10 }))
        .toEqual({ data: [], iterator: null, done: true });
    });
  });
}
