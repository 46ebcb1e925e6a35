import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeEventType, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Lists run either way (PageRequest.order): the iterator continues in the list's direction, so a
// client can page forwards in either order and page back by asking the other way round from a
// page's first key (what Svix's prevIterator does).

const DAY = 86_400_000;

export function defineListOrderContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (list order): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    /** Every page of a list, walked with its iterator. */
    async function walk<T>(list: (iterator?: string) => Promise<{ data: T[]; iterator: string | null; done: boolean }>): Promise<T[][]> {
      const pages: T[][] = [];
      let iterator: string | undefined;
      for (;;) {
        const page = await list(iterator);
        pages.push(page.data);
        if (page.done || page.iterator === null) return pages;
        iterator = page.iterator;
      }
    }

    it('pages apps and endpoints oldest first (asc) and newest first (desc, the default)', async () => {
      const apps = [];
      for (let i = 0; i < 5; i++) apps.push((await store.createApp(makeApp({ name: `app ${i}` }))).id);
      const asc = [...apps].sort();
      expect(await walk(async (iterator) => {
        const p = await store.listApps({ limit: 2, iterator, order: 'asc' });
        return { ...p, data: p.data.map((a) => a.id) };
      })).toEqual([asc.slice(0, 2), asc.slice(2, 4), asc.slice(4)]);
      const desc = [...asc].reverse();
      expect((await store.listApps({ limit: 5, order: 'desc' })).data.map((a) => a.id)).toEqual(desc);
      expect((await store.listApps({ limit: 5 })).data.map((a) => a.id)).toEqual(desc);
      // Back from the middle: the other way round from the page's first key.
      expect((await store.listApps({ limit: 2, iterator: asc[2], order: 'desc' })).data.map((a) => a.id)).toEqual([asc[1], asc[0]]);

      const eps = [];
      for (let i = 0; i < 3; i++) eps.push((await store.createEndpoint(makeEndpoint(apps[0]!))).id);
      eps.sort();
      const epAsc = await store.listEndpoints(apps[0]!, { limit: 2, order: 'asc' });
      expect(epAsc.data.map((e) => e.id)).toEqual(eps.slice(0, 2));
      expect((await store.listEndpoints(apps[0]!, { limit: 2, iterator: epAsc.iterator!, order: 'asc' })).data.map((e) => e.id)).toEqual([eps[2]]);
      expect((await store.listEndpoints(apps[0]!, { limit: 5, iterator: eps[2], order: 'desc' })).data.map((e) => e.id)).toEqual([eps[1], eps[0]]);
    });

    it('pages event types by name, A to Z by default and Z to A with desc', async () => {
      for (const name of ['c.x', 'a.x', 'e.x', 'b.x', 'd.x']) await store.upsertEventType(makeEventType({ name }));
      expect(await walk(async (iterator) => {
        const p = await store.listEventTypes({ limit: 2, iterator });
        return { ...p, data: p.data.map((e) => e.name) };
      })).toEqual([['a.x', 'b.x'], ['c.x', 'd.x'], ['e.x']]);
      expect(await walk(async (iterator) => {
        const p = await store.listEventTypes({ limit: 2, iterator, order: 'desc' });
        return { ...p, data: p.data.map((e) => e.name) };
      })).toEqual([['e.x', 'd.x'], ['c.x', 'b.x'], ['a.x']]);
    });

    it('pages messages and attempts oldest first with asc, honouring the other filters', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      const msgs: string[] = [];
      for (let i = 0; i < 4; i++) {
        const type = i === 3 ? 'other.type' : 'member.added';
        const { message } = await store.publish({ message: makeMessage(app.id, { eventType: type, createdAt: iso(T + i) }), idempotencySince: T - DAY, now: T });
        msgs.push(message.id);
      }
      msgs.sort();
      const first = await store.listMessages(app.id, { limit: 2, order: 'asc' });
      expect(first.data.map((m) => m.id)).toEqual(msgs.slice(0, 2));
      expect((await store.listMessages(app.id, { limit: 2, order: 'asc', iterator: first.iterator! })).data.map((m) => m.id)).toEqual(msgs.slice(2));
      expect((await store.listMessages(app.id, { limit: 9, order: 'asc', eventType: 'member.added' })).data).toHaveLength(3);

      const claimed = await store.claimDue(claimRequest());
      await store.settle(claimed.map((c) => settlement(c, 'token-a', { kind: 'success' })));
      const attempts = (await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 9 })).data.map((a) => a.id);
      expect(attempts).toHaveLength(4);
      const ascending = [...attempts].sort();
      expect(attempts).toEqual([...ascending].reverse());
      const page = await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 3, order: 'asc' });
      expect(page.data.map((a) => a.id)).toEqual(ascending.slice(0, 3));
      expect((await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 3, order: 'asc', iterator: page.iterator! })).data.map((a) => a.id)).toEqual([ascending[3]]);
      const oneMessage = await store.listAttemptsForMessage(app.id, msgs[0]!, { limit: 3, order: 'asc', iterator: 'atm_0' });
      expect(oneMessage.data).toHaveLength(1);
    });
  });
}
