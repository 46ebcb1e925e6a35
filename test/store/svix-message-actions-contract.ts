import { describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import type { Message } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Expunging one message's content (Svix's DELETE …/msg/{msg_id}/content) and replay-missing's scan
// (the app's messages in [since, until) never sent to an endpoint), run on every backend.

const DAY = 24 * 3_600_000;

export function defineSvixMessageActionsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (expunge content, replay-missing scan): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    async function publishAt(appId: string, at: number, overrides: Partial<Message> = {}): Promise<Message> {
      const message = makeMessage(appId, { id: idAt('msg', at), createdAt: iso(at), dataJson: '{"secret":1}', ...overrides });
      return (await store.publish({ message, idempotencySince: at - DAY, now: at })).message;
    }

    it('expunges a settled message\'s payload and attempt bodies at once; a pending one is deferred to its expiry', async () => {
      const app = await store.createApp(makeApp());
      const other = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id));
      const settled = await publishAt(app.id, T);
      for (const c of await store.claimDue(claimRequest())) await store.settle([settlement(c, 'token-a', { kind: 'success' })]);
      const pending = await publishAt(app.id, T + 1);

      expect(await store.expungeMessageContent(other.id, settled.id, T + 10)).toBe('not_found');
      expect((await store.getMessage(app.id, settled.id))!.dataJson).toBe('{"secret":1}');
      expect(await store.expungeMessageContent(app.id, settled.id, T + 10)).toBe('expunged');
      expect((await store.getMessage(app.id, settled.id))!.dataJson).toBe('null');
      expect((await store.listAttemptsForMessage(app.id, settled.id, { limit: 5 })).data[0]!.request.body).toBeNull();
      expect(await store.expungeMessageContent(app.id, settled.id, T + 20)).toBe('expunged');

      expect(await store.expungeMessageContent(app.id, pending.id, T + 10)).toBe('deferred');
      const kept = (await store.getMessage(app.id, pending.id))!;
      expect(kept).toMatchObject({ dataJson: '{"secret":1}', payloadExpiresAt: iso(T + 10) });
    });

    it('lists the messages in [since, until) without a delivery to the endpoint, in id order, paged', async () => {
      const app = await store.createApp(makeApp());
      const other = await store.createApp(makeApp());
      const before = await publishAt(app.id, T - 10);
      const a = await publishAt(app.id, T);
      const b = await publishAt(app.id, T + 1);
      const late = await publishAt(app.id, T + 100);
      await publishAt(other.id, T + 2);
      const ep = await store.createEndpoint(makeEndpoint(app.id));
      // Published with the endpoint there: it has its delivery, so it is not missing.
      await publishAt(app.id, T + 3);
      const expunged = await publishAt(app.id, T + 4, { id: idAt('msg', T + 4) });
      await store.expungeMessageContent(app.id, expunged.id, T + 5);

      const scope = { appId: app.id, endpointId: ep.id, since: iso(T), until: iso(T + 50) };
      expect(await store.countMissingMessages(scope)).toBe(2);
      const first = await store.listMissingMessages(scope, null, 1);
      expect(first.map((m) => m.id)).toEqual([a.id]);
      expect((await store.listMissingMessages(scope, a.id, 5)).map((m) => m.id)).toEqual([b.id]);
      expect((await store.listMissingMessages({ ...scope, until: null }, null, 10)).map((m) => m.id)).toEqual([a.id, b.id, late.id]);
      expect((await store.listMissingMessages({ ...scope, since: iso(T - 100) }, null, 10)).map((m) => m.id)).toEqual([before.id, a.id, b.id]);
    });
  });
}
