import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { iso, makeApp, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Scoped portal links (migration 10): a token keeps its capabilities and event types, and an app's
// portal links can be deleted at once without touching its app tokens or another app's links.

const token = (appId: string, id: string, kind: ApiToken['kind'], scope: Partial<ApiToken> = {}): ApiToken => ({
  id, appId, name: null, kind, tokenHash: `hash-${id}`, expiresAt: kind === 'portal' ? iso(T + 3_600_000) : null, createdAt: iso(T),
  capabilities: null, eventTypes: null, ...scope,
});

export function defineTokenScopeContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (portal link scopes): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it('keeps a token\'s capabilities and event types; null stays null', async () => {
      const app = await store.createApp(makeApp());
      await store.createToken(token(app.id, 'tok_scoped', 'portal', { capabilities: ['endpoints:read', 'messages:read'], eventTypes: ['order.paid', 'order.refunded'] }));
      await store.createToken(token(app.id, 'tok_app', 'api'));
      expect(await store.findTokenByHash('hash-tok_scoped')).toMatchObject({
        id: 'tok_scoped', kind: 'portal', capabilities: ['endpoints:read', 'messages:read'], eventTypes: ['order.paid', 'order.refunded'],
      });
      expect(await store.findTokenByHash('hash-tok_app')).toMatchObject({ id: 'tok_app', capabilities: null, eventTypes: null });
      const listed = (await store.listTokens(app.id, { limit: 10 })).data.find((t) => t.id === 'tok_scoped');
      expect(listed?.capabilities).toEqual(['endpoints:read', 'messages:read']);
    });

    it('deletes every portal link of one app, and only those', async () => {
      const app = await store.createApp(makeApp());
      const other = await store.createApp(makeApp());
      await store.createToken(token(app.id, 'tok_p1', 'portal'));
      await store.createToken(token(app.id, 'tok_p2', 'portal', { capabilities: ['recover'] }));
      await store.createToken(token(app.id, 'tok_api', 'api'));
      await store.createToken(token(other.id, 'tok_other', 'portal'));
      expect(await store.deletePortalTokens(app.id)).toBe(2);
      expect(await store.findTokenByHash('hash-tok_p1')).toBeNull();
      expect(await store.findTokenByHash('hash-tok_p2')).toBeNull();
      expect(await store.findTokenByHash('hash-tok_api')).not.toBeNull();
      expect(await store.findTokenByHash('hash-tok_other')).not.toBeNull();
      expect(await store.deletePortalTokens(app.id)).toBe(0);
    });
  });
}
