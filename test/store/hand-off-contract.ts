import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Endpoint } from '../../src/domain/model.js';
import type { AuditEntry } from '../../src/domain/operators.js';
import type { HandOff } from '../../src/store/hand-off.js';
import type { ClaimedDelivery, PublishInput, Store } from '../../src/store/store.js';
import { claimRequest, freshStoreEachTest, iso, makeApp, makeEndpoint, makeMessage, settlement, T, type StoreFixture } from './store-fixtures.js';

// A publish handing its new deliveries to the local delivery loop (src/store/hand-off.ts): leased
// to the loop from the publish, so a claim does not take them back, and due again as any claim's
// lease when the loop dies before sending them.

/** A loop with room for `room` deliveries per endpoint (all when absent); records what it was given. */
function loopHandOff(room: Record<string, number> = {}): HandOff & { given: ClaimedDelivery[]; asked: string[] } {
  const given: ClaimedDelivery[] = [];
  const asked: string[] = [];
  return {
    leaseToken: 'token-loop', leaseMarginMs: 500, perEndpointLimit: 64, given, asked,
    reserve(endpointId) {
      asked.push(endpointId);
      if (room[endpointId] === undefined) return true;
      return room[endpointId]-- > 0;
    },
    deliver: (claimed) => void given.push(...claimed),
  };
}

export function defineHandOffContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${backend}: publish hand-off`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => (store = fresh.store));

    const input = (appId: string, overrides = {}): PublishInput => ({ message: makeMessage(appId, overrides), idempotencySince: T - 86_400_000, now: T });
    const endpointOf = async (app: string, overrides: Partial<Endpoint> = {}) => store.createEndpoint(makeEndpoint(app, overrides));

    it('hands the new deliveries to the loop as a claim would, leased until 2 × timeout + margin', async () => {
      const app = await store.createApp(makeApp({ retrySchedule: [5, 10] }));
      const ep = await endpointOf(app.id);
      const handOff = loopHandOff();
      const [result] = await store.publishMany([input(app.id)], handOff);
      expect(handOff.given).toHaveLength(1);
      const [c] = handOff.given;
      expect(c!.message).toEqual(await store.getMessage(app.id, result!.message.id));
      expect(c!.endpoint).toEqual(await store.getEndpoint(app.id, ep.id));
      expect(c!.appRetrySchedule).toEqual([5, 10]);
      expect(c!.delivery).toMatchObject({ msgId: result!.message.id, endpointId: ep.id, appId: app.id, status: 'pending', attempts: 0 });

      // Leased to the loop: no claim takes it while the lease lives.
      expect(await store.claimDue(claimRequest({ leaseToken: 'token-b', now: T + 2000 }))).toEqual([]);
      // The loop sends it and settles it with its token.
      await store.settle([settlement(c!, 'token-loop', { kind: 'success' }, T + 10)]);
      expect(await store.nextDueAt()).toBeNull();
      expect((await store.listAttemptsForMessage(app.id, c!.message.id, { limit: 5 })).data).toHaveLength(1);
    });

    it('a loop that died before sending loses nothing: the delivery is claimed once its lease runs out', async () => {
      const { id: appId } = await store.createApp(makeApp());
      await endpointOf(appId);
      const handOff = loopHandOff();
      await store.publishMany([input(appId)], handOff);
      const [c] = handOff.given;
      const [again] = await store.claimDue(claimRequest({ leaseToken: 'token-b', now: T + 2 * 1000 + 500 }));
      expect(again!.delivery.id).toBe(c!.delivery.id);
    });

    it('a single-process store makes it due at once at the next start (releaseAllLeases)', async () => {
      const { id: appId } = await store.createApp(makeApp());
      await endpointOf(appId);
      const handOff = loopHandOff();
      await store.publishMany([input(appId)], handOff);
      expect(await store.releaseAllLeases(T)).toBe(1);
      const [again] = await store.claimDue(claimRequest({ leaseToken: 'token-b' }));
      expect(again!.delivery.id).toBe(handOff.given[0]!.delivery.id);
    });

    it('leaves to the claim what the loop has no room for, rate-limited endpoints and ordered deliveries', async () => {
      const { id: appId } = await store.createApp(makeApp());
      const roomy = await endpointOf(appId);
      const full = await endpointOf(appId);
      const limited = await endpointOf(appId, { rateLimit: 100 });
      const ordered = await endpointOf(appId, { ordering: 'entity' });
      const handOff = loopHandOff({ [roomy.id]: 1, [full.id]: 0 });
      await store.publishMany([input(appId, { orderingKey: 'Agreement:1' }), input(appId, { orderingKey: 'Agreement:2' })], handOff);
      expect(handOff.given.map((c) => c.endpoint.id)).toEqual([roomy.id]);
      // Never offered: the claim spends the rate limit's tokens and judges the ordering key's turn.
      expect(handOff.asked).not.toContain(limited.id);
      expect(handOff.asked).not.toContain(ordered.id);

      const claimed = await store.claimDue(claimRequest({ leaseToken: 'token-b' }));
      const byEndpoint = (id: string) => claimed.filter((c) => c.endpoint.id === id).length;
      expect([byEndpoint(roomy.id), byEndpoint(full.id), byEndpoint(limited.id), byEndpoint(ordered.id)]).toEqual([1, 2, 2, 2]);
    });

    it('writes the audit entries a publish carries in its transaction, with or without a hand-off, keys or messages', async () => {
      const { id: appId } = await store.createApp(makeApp());
      await endpointOf(appId);
      const entry = (n: number): AuditEntry => ({
        id: newId('aud'), at: iso(T + n), tokenKind: 'admin', tokenId: null, tokenName: null, role: 'admin', requestId: `req_${n}`,
        method: 'POST', route: '/api/v1/apps/:appId/messages', action: 'messages.create', appId, targets: { appId }, status: 202, outcome: 'ok',
      });
      const entries = [1, 2, 3, 4, 5].map(entry);
      await store.publishMany([input(appId)], undefined, [entries[0]!]);
      await store.publishMany([input(appId)], loopHandOff(), [entries[1]!, entries[2]!]);
      await store.publishMany([input(appId, { idempotencyKey: 'k-1' })], loopHandOff(), [entries[3]!]);
      await store.publishMany([], undefined, [entries[4]!]);
      const written = (await store.listAudit({ limit: 10 })).data;
      expect([...written].sort((a, b) => a.requestId.localeCompare(b.requestId))).toEqual(entries);
    });

    it('hands nothing over without an offer', async () => {
      const { id: appId } = await store.createApp(makeApp());
      await endpointOf(appId);
      await store.publishMany([input(appId)]);
      expect(await store.claimDue(claimRequest())).toHaveLength(1);
    });
  });
}
