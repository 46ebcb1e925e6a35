import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { iso, makeApp, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Embedding (migration 11): an app keeps its default allowed origins, a portal link its own list
// (null: the app's), and a link is found by its id, which the portal page's CSP is built from.

const link = (appId: string, id: string, allowedOrigins: string[] | null): ApiToken => ({
  id, appId, name: 'portal link', kind: 'portal', tokenHash: `hash-${id}`, expiresAt: iso(T + 3_600_000), createdAt: iso(T),
  capabilities: null, eventTypes: null, allowedOrigins,
});

export function defineFrameOriginsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (frame origins): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it("keeps an app's allowed origins through create and update; an app without any has []", async () => {
      const app = await store.createApp(makeApp({ allowedOrigins: ['https://app.acme.test', 'http://localhost:3000'] }));
      expect((await store.getApp(app.id))?.allowedOrigins).toEqual(['https://app.acme.test', 'http://localhost:3000']);
      await store.updateApp({ ...app, allowedOrigins: [] });
      expect((await store.getApp(app.id))?.allowedOrigins).toEqual([]);
      const bare = await store.createApp(makeApp());
      expect((await store.listApps({ limit: 10 })).data.find((a) => a.id === bare.id)?.allowedOrigins).toEqual([]);
    });

    it("finds a link by id with its own origins; null and [] stay apart; unknown ids find nothing", async () => {
      const app = await store.createApp(makeApp());
      await store.createToken(link(app.id, 'tok_framed', ['https://app.acme.test']));
      await store.createToken(link(app.id, 'tok_defaults', null));
      await store.createToken(link(app.id, 'tok_never', []));
      expect(await store.getToken('tok_framed')).toMatchObject({ id: 'tok_framed', appId: app.id, kind: 'portal', allowedOrigins: ['https://app.acme.test'] });
      expect((await store.getToken('tok_defaults'))?.allowedOrigins).toBeNull();
      expect((await store.getToken('tok_never'))?.allowedOrigins).toEqual([]);
      expect(await store.getToken('tok_unknown')).toBeNull();
      expect(await store.deleteToken(app.id, 'tok_framed')).toBe(true);
      expect(await store.getToken('tok_framed')).toBeNull();
    });
  });
}
