import { describe, expect, it } from 'vitest';
import { IdempotencyKeys } from '../../src/services/idempotency-keys.js';
import type { IdempotencyClaim } from '../../src/store/idempotency.js';
import type { Store } from '../../src/store/store.js';
import { iso, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Svix's idempotency keys in the store (migration 21), run on every backend by defineStoreContract:
// one claim wins, answers are kept and replayed, keys are per scope, expire after 24 hours, and a
// claim left unanswered by a dead process is taken over.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function defineIdempotencyContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (idempotency keys): ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    const claimAt = (now: number, over: Partial<IdempotencyClaim> = {}): IdempotencyClaim => ({
      scope: 'app:app_1', key: 'key-1', requestHash: 'hash-a', now: iso(now),
      expiredBefore: iso(now - 24 * HOUR), abandonedBefore: iso(now - 5 * MINUTE), ...over,
    });
    const answer = { status: 201, body: '{"id":"app_1"}', contentType: 'application/json; charset=utf-8' };

    it('lets one claim win; the others see it in progress, then its kept answer', async () => {
      const first = await store.claimIdempotencyKey(claimAt(T));
      expect(first).toEqual({ kind: 'claimed', held: { scope: 'app:app_1', key: 'key-1', claimedAt: iso(T) } });
      expect(await store.claimIdempotencyKey(claimAt(T + 1))).toEqual({ kind: 'in-progress', requestHash: 'hash-a' });
      if (first.kind !== 'claimed') throw new Error('unreachable');
      expect(await store.finishIdempotencyKey(first.held, answer)).toBe(true);
      expect(await store.claimIdempotencyKey(claimAt(T + 2))).toEqual({ kind: 'answered', requestHash: 'hash-a', answer });
      // Another request with the key is told the first one's hash (the caller answers 409).
      expect(await store.claimIdempotencyKey(claimAt(T + 3, { requestHash: 'hash-b' }))).toMatchObject({ kind: 'answered', requestHash: 'hash-a' });
      // The same key in another scope is another key; an empty body (204) is kept as such.
      const other = await store.claimIdempotencyKey(claimAt(T + 4, { scope: 'admin' }));
      expect(other.kind).toBe('claimed');
      if (other.kind !== 'claimed') throw new Error('unreachable');
      await store.finishIdempotencyKey(other.held, { status: 204, body: '', contentType: null });
      expect(await store.claimIdempotencyKey(claimAt(T + 5, { scope: 'admin' }))).toEqual({
        kind: 'answered', requestHash: 'hash-a', answer: { status: 204, body: '', contentType: null },
      });
    });

    it('gives one of many concurrent claims, from two stores on the same database, the key', async () => {
      const other = await fx.openAnother();
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? other : store).claimIdempotencyKey(claimAt(T + i))));
      expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.kind === 'in-progress')).toHaveLength(11);
    });

    it('frees a released key for the next claim, and lets a claim abandoned for 5 minutes be taken over', async () => {
      const first = await store.claimIdempotencyKey(claimAt(T));
      if (first.kind !== 'claimed') throw new Error('expected a claim');
      await store.releaseIdempotencyKey(first.held);
      const second = await store.claimIdempotencyKey(claimAt(T + 1));
      expect(second.kind).toBe('claimed');
      if (second.kind !== 'claimed') throw new Error('unreachable');

      expect((await store.claimIdempotencyKey(claimAt(T + 4 * MINUTE))).kind).toBe('in-progress');
      const takeover = await store.claimIdempotencyKey(claimAt(T + 6 * MINUTE, { requestHash: 'hash-c' }));
      expect(takeover).toEqual({ kind: 'claimed', held: { scope: 'app:app_1', key: 'key-1', claimedAt: iso(T + 6 * MINUTE) } });
      // The abandoned claim's request, if it ever answers, no longer holds the key.
      expect(await store.finishIdempotencyKey(second.held, answer)).toBe(false);
      await store.releaseIdempotencyKey(second.held);
      expect((await store.claimIdempotencyKey(claimAt(T + 7 * MINUTE, { requestHash: 'hash-c' }))).kind).toBe('in-progress');
    });

    it('expires keys after 24 hours (IdempotencyKeys with its clock), and purges them in batches', async () => {
      const clock = { now: T };
      const keys = new IdempotencyKeys(store, () => clock.now);
      const request = { scope: 'admin', key: 'k', method: 'POST', url: '/api/v1/app', body: { name: 'Acme' } };
      const first = await keys.begin(request);
      if (first.kind !== 'run') throw new Error('expected to run');
      await keys.finish(first.held, answer);
      clock.now = T + 24 * HOUR - 1;
      expect(await keys.begin(request)).toEqual({ kind: 'replay', answer });
      expect(await keys.begin({ ...request, body: { name: 'Other' } })).toEqual({ kind: 'other-request' });
      expect(await keys.begin({ ...request, url: '/api/v1/app?get_if_exists=true' })).toEqual({ kind: 'other-request' });
      clock.now = T + 24 * HOUR + 1;
      expect((await keys.begin({ ...request, body: { name: 'Other' } })).kind).toBe('run');

      for (let i = 0; i < 3; i++) await store.claimIdempotencyKey(claimAt(T - HOUR + i, { key: `old-${i}` }));
      await store.claimIdempotencyKey(claimAt(T, { key: 'recent' }));
      expect(await store.purgeIdempotencyKeys(iso(T), 2)).toBe(2);
      expect(await store.purgeIdempotencyKeys(iso(T), 2)).toBe(1);
      expect(await store.purgeIdempotencyKeys(iso(T), 2)).toBe(0);
      expect((await store.claimIdempotencyKey(claimAt(T + 1, { key: 'recent' }))).kind).toBe('in-progress');
      expect((await store.claimIdempotencyKey(claimAt(T + 1, { key: 'old-0' }))).kind).toBe('claimed');
    });
  });
}
