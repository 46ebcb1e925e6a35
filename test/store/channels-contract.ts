import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Channels (migration 18): an endpoint listing channels gets only messages with one of them; an
// endpoint without channels gets every message. Messages keep their channels for reads and claims,
// and the message list filters by channel and by creation time.

const DAY = 86_400_000;

export function defineChannelsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (channels): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    const input = (appId: string, message: Partial<Message>, now = T) =>
      ({ message: makeMessage(appId, { createdAt: iso(now), ...message }), idempotencySince: now - DAY, now });

    it('fans out by channel: listed channels must intersect; no channels on the endpoint means every message', async () => {
      const app = await store.createApp(makeApp());
      const projectA = await store.createEndpoint(makeEndpoint(app.id, { channels: ['project-a', 'ops'] }));
      const projectB = await store.createEndpoint(makeEndpoint(app.id, { channels: ['project-b'] }));
      const everything = await store.createEndpoint(makeEndpoint(app.id));
      // Single publishes and a batch take the same fan-out.
      const toA = await store.publish(input(app.id, { channels: ['project-a'] }));
      const [toBoth, toNone, plain] = await store.publishMany([
        input(app.id, { channels: ['project-b', 'ops'] }),
        input(app.id, { channels: ['project-c'] }),
        input(app.id, {}),
      ]);
      expect([toA.deliveryCount, toBoth!.deliveryCount, toNone!.deliveryCount, plain!.deliveryCount]).toEqual([2, 3, 1, 1]);

      const claimed = await store.claimDue(claimRequest());
      const receivers = (msg: string) => claimed.filter((c) => c.message.id === msg).map((c) => c.endpoint.id).sort();
      expect(receivers(toA.message.id)).toEqual([projectA.id, everything.id].sort());
      expect(receivers(toBoth!.message.id)).toEqual([projectA.id, projectB.id, everything.id].sort());
      expect(receivers(toNone!.message.id)).toEqual([everything.id]);
      expect(receivers(plain!.message.id)).toEqual([everything.id]);
      // Claims carry the message's channels (a delivery body may name them).
      expect(claimed.find((c) => c.message.id === toBoth!.message.id)?.message.channels).toEqual(['project-b', 'ops']);
    });

    it('channels are case-sensitive and match whole names', async () => {
      const app = await store.createApp(makeApp());
      await store.createEndpoint(makeEndpoint(app.id, { channels: ['Project'] }));
      expect((await store.publish(input(app.id, { channels: ['project'] }))).deliveryCount).toBe(0);
      expect((await store.publish(input(app.id, { channels: ['Proj'] }))).deliveryCount).toBe(0);
      expect((await store.publish(input(app.id, { channels: ['Project'] }))).deliveryCount).toBe(1);
    });

    it('a test event naming its endpoint skips the channels, as it skips the other subscription filters', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, { channels: ['only-this'] }));
      const result = await store.publish({ ...input(app.id, {}), onlyEndpointId: ep.id });
      expect(result.deliveryCount).toBe(1);
    });

    it('an endpoint keeps its channels; one without reads back without; an update changes and clears them', async () => {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, { channels: ['a', 'b'] }));
      expect((await store.getEndpoint(app.id, ep.id))?.channels).toEqual(['a', 'b']);
      const plain = await store.createEndpoint(makeEndpoint(app.id));
      expect((await store.getEndpoint(app.id, plain.id))?.channels).toBeUndefined();
      const { channels: _, ...cleared } = ep;
      await store.updateEndpoint(cleared);
      expect((await store.getEndpoint(app.id, ep.id))?.channels).toBeUndefined();
      expect((await store.publish(input(app.id, { channels: ['x'] }))).deliveryCount).toBe(2);
    });

    it('lists messages by channel (exact element, case-sensitive) and by creation time', async () => {
      const app = await store.createApp(makeApp());
      const first = (await store.publish(input(app.id, { channels: ['alpha', 'beta_1'] }, T))).message;
      const second = (await store.publish(input(app.id, { channels: ['beta'] }, T + 1000))).message;
      const third = (await store.publish(input(app.id, {}, T + 2000))).message;
      const ids = async (q: object) => (await store.listMessages(app.id, { limit: 50, ...q })).data.map((m) => m.id);
      expect(await store.getMessage(app.id, first.id)).toMatchObject({ channels: ['alpha', 'beta_1'] });
      expect((await store.getMessage(app.id, third.id))?.channels).toBeUndefined();
      expect(await ids({ channel: 'beta' })).toEqual([second.id]);
      // `_` is a LIKE wildcard and "beta" a prefix of "beta_1": neither may match the other.
      expect(await ids({ channel: 'beta_1' })).toEqual([first.id]);
      expect(await ids({ channel: 'BETA' })).toEqual([]);
      expect(await ids({ before: iso(T + 1000) })).toEqual([first.id]);
      expect(await ids({ after: iso(T) })).toEqual([third.id, second.id]);
      expect(await ids({ after: iso(T), before: iso(T + 2000) })).toEqual([second.id]);
      expect(await ids({})).toEqual([third.id, second.id, first.id]);
    });

    it('lists attempts by endpoint, by creation time and by their message\'s channel', async () => {
      const app = await store.createApp(makeApp());
      const a = await store.createEndpoint(makeEndpoint(app.id));
      const b = await store.createEndpoint(makeEndpoint(app.id));
      const tagged = (await store.publish(input(app.id, { channels: ['ops'] }))).message;
      const plain = (await store.publish(input(app.id, {}))).message;
      const claimed = await store.claimDue(claimRequest());
      expect(claimed).toHaveLength(4);
      // Settled one second apart, so each attempt has its own time.
      const order = [...claimed].sort((x, y) => (x.message.id + x.endpoint.id < y.message.id + y.endpoint.id ? -1 : 1));
      await store.settle(order.map((c, i) => settlement(c, 'token-a', { kind: 'success' }, T + i * 1000)));
      const attempts = async (msgId: string, q: object) => (await store.listAttemptsForMessage(app.id, msgId, { limit: 50, ...q })).data;
      const toB = await attempts(tagged.id, { endpointId: b.id });
      expect(toB.map((x) => x.endpointId)).toEqual([b.id]);
      expect((await attempts(tagged.id, {})).map((x) => x.endpointId).sort()).toEqual([a.id, b.id].sort());
      const byEndpoint = async (q: object) => (await store.listAttemptsForEndpoint(app.id, a.id, { limit: 50, ...q })).data.map((x) => x.msgId);
      expect(await byEndpoint({ channel: 'ops' })).toEqual([tagged.id]);
      expect(await byEndpoint({ channel: 'op' })).toEqual([]);
      const all = await store.listAttemptsForEndpoint(app.id, a.id, { limit: 50 });
      expect(all.data.map((x) => x.msgId).sort()).toEqual([tagged.id, plain.id].sort());
      const [newer, older] = [...all.data].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1));
      expect(await byEndpoint({ before: newer!.createdAt })).toEqual([older!.msgId]);
      expect(await byEndpoint({ after: older!.createdAt })).toEqual([newer!.msgId]);
    });
  });
}
