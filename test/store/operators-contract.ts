import { describe, expect, it } from 'vitest';
import { idAt, idFloorAt } from '../../src/domain/id-time.js';
import type { AuditEntry, OperatorToken } from '../../src/domain/operators.js';
import { StoreConflictError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import { iso, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Named operator tokens and the audit log (migration 16): tokens found by their hash only, names
// unique, revocation; audit entries listed newest first with filters and pages, and purged by age.

const operatorToken = (name: string, role: OperatorToken['role'], overrides: Partial<OperatorToken> = {}): OperatorToken => ({
  id: idAt('opt', T), name, role, tokenHash: `hash-${name}`, expiresAt: null, createdAt: iso(T), ...overrides,
});

const entry = (at: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: idAt('aud', at), at: iso(at), tokenKind: 'operator', tokenId: 'opt_1', tokenName: 'alice', role: 'operator',
  requestId: 'req_1', method: 'PATCH', route: '/api/v1/apps/:appId/endpoints/:endpointId', action: 'endpoints.disable',
  appId: 'app_1', targets: { appId: 'app_1', endpointId: 'ep_1' }, status: 200, outcome: 'ok', ...overrides,
});

export function defineOperatorsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (operator tokens and audit log): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    it('finds an operator token by its hash, refuses a second token of the same name, and revokes', async () => {
      const alice = await store.createOperatorToken(operatorToken('alice', 'viewer', { expiresAt: iso(T + 60_000) }));
      await store.createOperatorToken(operatorToken('bob', 'admin', { id: idAt('opt', T + 1) }));
      expect(await store.findOperatorTokenByHash('hash-alice')).toEqual(alice);
      expect(await store.findOperatorTokenByHash('alice')).toBeNull();
      await expect(store.createOperatorToken(operatorToken('alice', 'admin', { id: idAt('opt', T + 2), tokenHash: 'other' })))
        .rejects.toBeInstanceOf(StoreConflictError);
      const first = await store.listOperatorTokens({ limit: 1 });
      expect(first.data.map((t) => t.name)).toEqual(['bob']);
      expect(first.done).toBe(false);
      const second = await store.listOperatorTokens({ limit: 1, iterator: first.iterator! });
      expect(second).toMatchObject({ data: [{ name: 'alice', role: 'viewer' }], done: true });
      expect(await store.deleteOperatorToken(alice.id)).toBe(true);
      expect(await store.deleteOperatorToken(alice.id)).toBe(false);
      expect(await store.findOperatorTokenByHash('hash-alice')).toBeNull();
    });

    it('lists audit entries newest first, filtered by time, token, app and action, in pages', async () => {
      const hour = 3_600_000;
      await store.appendAudit(entry(T));
      await store.appendAudit(entry(T + hour, { tokenKind: 'app', tokenId: 'tok_9', tokenName: null, role: null, appId: 'app_2', action: 'endpoints.create', targets: { appId: 'app_2' } }));
      await store.appendAudit(entry(T + 2 * hour, { tokenKind: 'admin', tokenId: null, tokenName: null, role: 'admin', status: 403, outcome: 'forbidden', action: 'apps.delete' }));
      const all = await store.listAudit({ limit: 10 });
      expect(all.data.map((e) => e.at)).toEqual([iso(T + 2 * hour), iso(T + hour), iso(T)]);
      expect(all.data[2]).toEqual({ ...entry(T), id: expect.stringMatching(/^aud_/) });
      expect(all.data[0]).toMatchObject({ status: 403, outcome: 'forbidden', tokenId: null });
      expect((await store.listAudit({ limit: 10, since: T + hour })).data.map((e) => e.at)).toEqual([iso(T + 2 * hour), iso(T + hour)]);
      expect((await store.listAudit({ limit: 10, token: 'alice' })).data.map((e) => e.at)).toEqual([iso(T)]);
      expect((await store.listAudit({ limit: 10, token: 'tok_9' })).data.map((e) => e.action)).toEqual(['endpoints.create']);
      expect((await store.listAudit({ limit: 10, appId: 'app_1' })).data).toHaveLength(2);
      expect((await store.listAudit({ limit: 10, action: 'apps.delete', appId: 'app_1' })).data.map((e) => e.outcome)).toEqual(['forbidden']);
      const page1 = await store.listAudit({ limit: 2 });
      expect(page1.done).toBe(false);
      const page2 = await store.listAudit({ limit: 2, iterator: page1.iterator! });
      expect(page2).toMatchObject({ done: true, data: [{ at: iso(T) }] });
    });

    it('appends a group of entries in one call, all or none', async () => {
      await store.appendAuditMany([entry(T), entry(T + 1000, { action: 'messages.create' }), entry(T + 2000, { action: 'messages.batch' })]);
      expect((await store.listAudit({ limit: 10 })).data.map((e) => e.action)).toEqual(['messages.batch', 'messages.create', entry(T).action]);
      // A group with a broken entry (a duplicate id) writes nothing of that group.
      const twin = { ...entry(T + 3000), id: (await store.listAudit({ limit: 1 })).data[0]!.id };
      await expect(store.appendAuditMany([entry(T + 3000, { action: 'apps.create' }), twin])).rejects.toThrow();
      expect((await store.listAudit({ limit: 10 })).data).toHaveLength(3);
    });

    it('purges entries older than a cutoff, oldest first, in batches', async () => {
      for (let i = 0; i < 5; i++) await store.appendAudit(entry(T + i * 1000));
      const cutoff = idFloorAt('aud', T + 3000);
      expect(await store.purgeAudit(cutoff, 2)).toBe(2);
      expect((await store.listAudit({ limit: 10 })).data.map((e) => e.at)).toEqual([4, 3, 2].map((i) => iso(T + i * 1000)));
      expect(await store.purgeAudit(cutoff, 2)).toBe(1);
      expect(await store.purgeAudit(cutoff, 2)).toBe(0);
      expect((await store.listAudit({ limit: 10 })).data).toHaveLength(2);
    });
  });
}
