import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Endpoint, Message } from '../../src/domain/model.js';
import { StoreConflictError } from '../../src/store/errors.js';
import type { ClaimedDelivery, Store } from '../../src/store/store.js';
import { defineEncryptionContract } from './encryption-contract.js';
import { defineInsightsContract } from './insights-contract.js';
import { defineBrandingContract } from './branding-contract.js';
import { defineOperationsContract } from './operations-contract.js';
import { defineTokenScopeContract } from './token-scope-contract.js';
import { defineOperatorsContract } from './operators-contract.js';
import { defineFrameOriginsContract } from './frame-origins-contract.js';
import { defineDeliveryStateContract } from './delivery-state-contract.js';
import { defineEventIdContract } from './event-id-contract.js';
import { definePayloadFilterContract } from './payload-filter-contract.js';
import { defineTransformationContract } from './transformation-contract.js';
import { defineChannelsContract } from './channels-contract.js';
import { defineDeliveryCountsContract } from './delivery-counts-contract.js';
import { defineMetadataContract } from './metadata-contract.js';
import { definePayloadExpiryContract } from './payload-expiry-contract.js';
import { defineSvixMessageActionsContract } from './svix-message-actions-contract.js';
import { defineIdempotencyContract } from './idempotency-contract.js';
import { defineListOrderContract } from './list-order-contract.js';
import { defineAttemptTriggerContract } from './attempt-trigger-contract.js';
import { defineHandOffContract } from './hand-off-contract.js';
import { defineAttemptBodiesContract } from './attempt-bodies-contract.js';
import { defineDeliverAtContract } from './deliver-at-contract.js';
import { defineNextDueContract } from './next-due-contract.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeEventType, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// One behaviour, every backend: each backend's test file calls defineStoreContract with a
// factory, and every test gets a fresh, migrated, empty store.

export { makeApp, makeEndpoint, makeMessage, type StoreFixture } from './store-fixtures.js';

export function defineStoreContract(backend: string, factory: () => Promise<StoreFixture>): void {
  defineOperationsContract(backend, factory);
  defineEncryptionContract(backend, factory);
  defineInsightsContract(backend, factory);
  defineTokenScopeContract(backend, factory);
  defineOperatorsContract(backend, factory);
  defineFrameOriginsContract(backend, factory);
  defineBrandingContract(backend, factory);
  defineDeliveryStateContract(backend, factory);
  defineEventIdContract(backend, factory);
  definePayloadFilterContract(backend, factory);
  defineTransformationContract(backend, factory);
  defineChannelsContract(backend, factory);
  defineDeliveryCountsContract(backend, factory);
  defineMetadataContract(backend, factory);
  defineAttemptBodiesContract(backend, factory);
  definePayloadExpiryContract(backend, factory);
  defineSvixMessageActionsContract(backend, factory);
  defineIdempotencyContract(backend, factory);
  defineListOrderContract(backend, factory);
  defineAttemptTriggerContract(backend, factory);
  defineHandOffContract(backend, factory);
  defineDeliverAtContract(backend, factory);
  defineNextDueContract(backend, factory);
  describe(`Store contract: ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    async function appWithEndpoint(endpoint: Partial<Endpoint> = {}) {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, endpoint));
      return { app, ep };
    }

    async function publish(appId: string, message: Partial<Message> = {}, now = T) {
      return store.publish({ message: makeMessage(appId, message), idempotencySince: now - 86_400_000, now });
    }

    describe('schema', () => {
      it('migrates once when several processes start together, and again is a no-op', async () => {
        const others = await Promise.all([fx.openAnother(), fx.openAnother(), fx.openAnother()]);
        await Promise.all(others.map((s) => s.migrate()));
        await store.migrate();
        const { app } = await appWithEndpoint();
        expect(await others[0]!.getApp(app.id)).toEqual(app);
        await Promise.all(others.map((s) => s.close()));
      });
    });

    describe('apps, event types, endpoints, tokens', () => {
      it('creates, reads by id or uid, updates and deletes an app; a taken uid is a conflict', async () => {
        const app = await store.createApp(makeApp({ uid: 'acme', retrySchedule: [1000, 5000] }));
        expect(await store.getApp(app.id)).toEqual(app);
        expect(await store.getApp('acme')).toEqual(app);
        await expect(store.createApp(makeApp({ uid: 'acme' }))).rejects.toBeInstanceOf(StoreConflictError);
        const renamed = { ...app, name: 'Acme Inc', uid: 'acme-inc', updatedAt: iso(T + 1) };
        await store.updateApp(renamed);
        expect(await store.getApp('acme-inc')).toEqual(renamed);
        expect(await store.getApp('acme')).toBeNull();
        expect(await store.deleteApp(app.id)).toBe(true);
        expect(await store.deleteApp(app.id)).toBe(false);
        expect(await store.getApp(app.id)).toBeNull();
      });

      it('reads an app as it is now after each change, by id and by uid, whatever a caller did to an app it read', async () => {
        const app = await store.createApp(makeApp({ uid: 'first', retrySchedule: [1000] }));
        const read = (await store.getApp('first'))!;
        read.name = 'changed by a caller';
        read.retrySchedule!.push(9);
        expect(await store.getApp('first')).toEqual(app);
        await store.updateApp({ ...app, uid: 'second', retrySchedule: [2000], updatedAt: iso(T + 1) });
        expect((await store.getApp(app.id))?.retrySchedule).toEqual([2000]);
        expect(await store.getApp('first')).toBeNull();
        const other = await store.createApp(makeApp({ uid: 'first' }));
        expect((await store.getApp('first'))?.id).toBe(other.id);
        await expect(store.updateApp({ ...app, uid: 'first' })).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.getApp('second'))?.id).toBe(app.id);
        expect(await store.deleteApp(other.id)).toBe(true);
        expect(await store.getApp('first')).toBeNull();
        expect(await store.getApp(other.id)).toBeNull();
      });

      it('takes hostile text (NUL characters) in names, keys and lookups without failing', async () => {
        const nul = 'a\u0000b';
        const app = await store.createApp(makeApp({ name: nul }));
        // PostgreSQL text cannot hold U+0000; it keeps U+FFFD in its place.
        expect([nul, 'a\uFFFDb']).toContain((await store.getApp(app.id))!.name);
        expect(await store.getApp(nul)).toBeNull();
        expect((await store.listApps({ limit: 5, iterator: nul })).data).toBeDefined();
        await store.createEndpoint(makeEndpoint(app.id));
        const published = await publish(app.id, { idempotencyKey: nul, entity: { type: nul, id: nul } });
        expect(published.deliveryCount).toBe(1);
        expect((await publish(app.id, { idempotencyKey: nul })).created).toBe(false);
      });

      it('pages apps newest first, continuing after the iterator', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.createApp(makeApp({ name: `app ${i}` }))).id);
        const first = await store.listApps({ limit: 2 });
        expect(first.data.map((a) => a.id)).toEqual([ids[4], ids[3]]);
        expect(first.done).toBe(false);
        const second = await store.listApps({ limit: 2, iterator: first.iterator! });
        expect(second.data.map((a) => a.id)).toEqual([ids[2], ids[1]]);
        const last = await store.listApps({ limit: 2, iterator: second.iterator! });
        expect(last.data.map((a) => a.id)).toEqual([ids[0]]);
        expect(last.done).toBe(true);
      });

      it('upserts event types and lists them alphabetically', async () => {
        await store.upsertEventType(makeEventType({ name: 'order.paid' }));
        await store.upsertEventType(makeEventType({ name: 'member.added', description: 'old' }));
        const updated = await store.upsertEventType(makeEventType({ name: 'member.added', description: 'new', createdAt: iso(T + 5), updatedAt: iso(T + 5) }));
        expect(updated).toEqual(makeEventType({ name: 'member.added', description: 'new', revision: 2, updatedAt: iso(T + 5) }));
        const page = await store.listEventTypes({ limit: 1 });
        expect(page.data.map((e) => e.name)).toEqual(['member.added']);
        const next = await store.listEventTypes({ limit: 5, iterator: page.iterator! });
        expect(next).toMatchObject({ data: [{ name: 'order.paid' }], done: true });
      });

      it('round-trips the catalogue fields, bumps the revision on every write, filters by group and deletes', async () => {
        const schema = { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'] };
        const member = makeEventType({
          name: 'member.created', group: 'Members', schema, examples: [{ id: 'm1', n: 1 }, { id: 'm2' }], deprecated: true, validation: 'reject',
        });
        expect(await store.upsertEventType(member)).toEqual(member);
        expect(await store.getEventType('member.created')).toEqual(member);
        expect(await store.getEventType('missing.type')).toBeNull();
        await store.upsertEventType(makeEventType({ name: 'company.created', group: 'Companies' }));
        await store.upsertEventType(makeEventType({ name: 'member.removed', group: 'Members' }));
        const members = await store.listEventTypes({ limit: 10, group: 'Members' });
        expect(members.data.map((e) => e.name)).toEqual(['member.created', 'member.removed']);
        const firstMember = await store.listEventTypes({ limit: 1, group: 'Members' });
        expect((await store.listEventTypes({ limit: 10, group: 'Members', iterator: firstMember.iterator! })).data.map((e) => e.name)).toEqual(['member.removed']);
        expect((await store.listValidatedEventTypes()).map((e) => e.name)).toEqual(['member.created']);
        const again = await store.upsertEventType({ ...member, validation: 'off', deprecated: false, schema: null, examples: [] });
        expect(again).toMatchObject({ revision: 2, validation: 'off', deprecated: false, schema: null, examples: [] });
        expect((await store.upsertEventType({ ...member, validation: 'off' })).revision).toBe(3);
        expect(await store.listValidatedEventTypes()).toEqual([]);
        expect(await store.deleteEventType('member.created')).toBe(true);
        expect(await store.deleteEventType('member.created')).toBe(false);
        expect(await store.getEventType('member.created')).toBeNull();
      });

      it('round-trips every endpoint field, lists per app newest first, updates and deletes', async () => {
        const app = await store.createApp(makeApp());
        const ep = await store.createEndpoint(makeEndpoint(app.id, {
          uid: 'billing', eventTypes: ['order.paid'], entityTypes: ['Order'], headers: { 'x-team': 'billing' },
          query: { a: 'b' }, tls: { ca: 'PEM', insecureSkipVerify: false }, retrySchedule: [10, 20], rateLimit: 2.5,
          method: 'GET', payloadFormat: 'event', signature: { scheme: 'hmac-sha256', header: 'x-sig' },
          secrets: [{ secret: 'new', expiresAt: null }, { secret: 'old', expiresAt: iso(T + 1000) }],
        }));
        const second = await store.createEndpoint(makeEndpoint(app.id));
        expect(await store.getEndpoint(app.id, ep.id)).toEqual(ep);
        expect(await store.getEndpoint('app_other', ep.id)).toBeNull();
        expect((await store.listEndpoints(app.id, { limit: 10 })).data.map((e) => e.id)).toEqual([second.id, ep.id]);
        const changed = { ...ep, url: 'https://example.org/x', disabled: true, rateLimit: null, updatedAt: iso(T + 2) };
        await store.updateEndpoint(changed);
        expect(await store.getEndpoint(app.id, ep.id)).toEqual(changed);
        expect(await store.deleteEndpoint(app.id, ep.id)).toBe(true);
        expect(await store.getEndpoint(app.id, ep.id)).toBeNull();
      });

      it('stores API tokens by hash, lists and deletes them', async () => {
        const app = await store.createApp(makeApp());
        const token = {
          id: newId('tok'), appId: app.id, name: 'ci', kind: 'api' as const, tokenHash: 'h1', expiresAt: null, createdAt: iso(T),
          // An app token: no portal link scope (token-scope-contract.ts covers links).
          capabilities: null, eventTypes: null, allowedOrigins: null,
        };
        await store.createToken(token);
        expect(await store.findTokenByHash('h1')).toEqual(token);
        expect((await store.listTokens(app.id, { limit: 10 })).data).toEqual([token]);
        expect(await store.deleteToken(app.id, token.id)).toBe(true);
        expect(await store.findTokenByHash('h1')).toBeNull();
      });

      it('deleting an app removes its endpoints and messages', async () => {
        const { app, ep } = await appWithEndpoint();
        const { message } = await publish(app.id);
        await store.deleteApp(app.id);
        expect(await store.getEndpoint(app.id, ep.id)).toBeNull();
        expect(await store.getMessage(app.id, message.id)).toBeNull();
        expect(await store.claimDue(claimRequest())).toEqual([]);
      });
    });

    describe('publish', () => {
      it('fans out to each enabled endpoint whose filters match, or to one named endpoint', async () => {
        const app = await store.createApp(makeApp());
        const all = await store.createEndpoint(makeEndpoint(app.id));
        const paid = await store.createEndpoint(makeEndpoint(app.id, { eventTypes: ['order.paid'] }));
        const users = await store.createEndpoint(makeEndpoint(app.id, { entityTypes: ['User'] }));
        await store.createEndpoint(makeEndpoint(app.id, { disabled: true }));
        const other = await store.createApp(makeApp());
        await store.createEndpoint(makeEndpoint(other.id));

        expect((await publish(app.id, { eventType: 'order.paid' })).deliveryCount).toBe(2);
        expect((await publish(app.id, { eventType: 'user.left', entity: { type: 'User', id: 4 } })).deliveryCount).toBe(2);
        const test = await store.publish({ message: makeMessage(app.id, { eventType: 'x.y' }), idempotencySince: T, onlyEndpointId: paid.id, now: T });
        expect(test.deliveryCount).toBe(1);

        const claimed = await store.claimDue(claimRequest());
        const byEndpoint = (id: string) => claimed.filter((c) => c.endpoint.id === id).map((c) => c.message.eventType).sort();
        expect(byEndpoint(all.id)).toEqual(['order.paid', 'user.left']);
        expect(byEndpoint(paid.id)).toEqual(['order.paid', 'x.y']);
        expect(byEndpoint(users.id)).toEqual(['user.left']);
        expect(claimed).toHaveLength(5);
      });

      it('keeps the published data byte for byte and pages messages newest first, by event type', async () => {
        const { app } = await appWithEndpoint();
        const dataJson = '{"b": 1,   "a": [2, 3], "ü": "\\u00fc"}';
        const first = (await publish(app.id, { dataJson, entity: { type: 'Order', id: '25' } })).message;
        const second = (await publish(app.id, { eventType: 'order.paid', entity: { type: 'Order', id: 25 } })).message;
        const third = (await publish(app.id)).message;
        expect(await store.getMessage(app.id, first.id)).toEqual(first);
        expect((await store.getMessage(app.id, first.id))!.dataJson).toBe(dataJson);
        expect((await store.getMessage(app.id, second.id))!.entity).toEqual({ type: 'Order', id: 25 });
        const page = await store.listMessages(app.id, { limit: 2 });
        expect(page.data.map((m) => m.id)).toEqual([third.id, second.id]);
        expect((await store.listMessages(app.id, { limit: 2, iterator: page.iterator! })).data.map((m) => m.id)).toEqual([first.id]);
        expect((await store.listMessages(app.id, { limit: 5, eventType: 'order.paid' })).data.map((m) => m.id)).toEqual([second.id]);
      });

      it('returns the earlier message for a repeated idempotency key inside the window, a new one after it', async () => {
        const { app } = await appWithEndpoint();
        const first = await publish(app.id, { idempotencyKey: 'k1' });
        const again = await publish(app.id, { idempotencyKey: 'k1', dataJson: '{"other":true}' });
        expect(again).toEqual({ message: first.message, created: false, deliveryCount: 0 });
        const otherApp = await store.createApp(makeApp());
        expect((await publish(otherApp.id, { idempotencyKey: 'k1' })).created).toBe(true);
        expect(await store.claimDue(claimRequest())).toHaveLength(1);

        const later = T + 86_400_001;
        const afterWindow = await store.publish({ message: makeMessage(app.id, { idempotencyKey: 'k1', createdAt: iso(later) }), idempotencySince: later - 86_400_000, now: later });
        expect(afterWindow.created).toBe(true);
        expect(afterWindow.message.id).not.toBe(first.message.id);
      });

      it('publishes a batch at once, each message with the semantics of a single publish', async () => {
        const { app } = await appWithEndpoint({ eventTypes: ['a'] });
        const inputs = [
          makeMessage(app.id, { eventType: 'a' }),
          makeMessage(app.id, { eventType: 'b' }),
          makeMessage(app.id, { eventType: 'a', idempotencyKey: 'k' }),
          makeMessage(app.id, { eventType: 'a', idempotencyKey: 'k' }),
        ].map((message) => ({ message, idempotencySince: T - 1000, now: T }));
        const results = await store.publishMany(inputs);
        expect(results.map((r) => [r.created, r.deliveryCount])).toEqual([[true, 1], [true, 0], [true, 1], [false, 0]]);
        expect(results[3]!.message.id).toBe(results[2]!.message.id);
        expect(await store.claimDue(claimRequest())).toHaveLength(2);
      });

      it('gives one message for one key when publishes race', async () => {
        const { app } = await appWithEndpoint();
        const results = await Promise.all(Array.from({ length: 5 }, () => publish(app.id, { idempotencyKey: 'race' })));
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
      });
    });

    describe('claim, lease, settle', () => {
      it('claims a due delivery with its message, endpoint and app schedule, and leases it', async () => {
        const app = await store.createApp(makeApp({ retrySchedule: [5, 10] }));
        const ep = await store.createEndpoint(makeEndpoint(app.id));
        const { message } = await publish(app.id, {}, T);
        expect(await store.claimDue(claimRequest({ now: T - 1 }))).toEqual([]);

        const [c, ...rest] = await store.claimDue(claimRequest());
        expect(rest).toEqual([]);
        expect(c!.message).toEqual(message);
        expect(c!.endpoint).toEqual(ep);
        expect(c!.appRetrySchedule).toEqual([5, 10]);
        expect(c!.delivery).toMatchObject({ msgId: message.id, endpointId: ep.id, appId: app.id, status: 'pending', attempts: 0 });
        // Leased: nobody claims it again until 2 × timeout + margin have passed.
        expect(await store.claimDue(claimRequest({ leaseToken: 'token-b', now: T + 2000 }))).toEqual([]);
        expect(await store.nextDueAt()).toBe(T + 2 * 1000 + 500);
      });

      it('lets another worker take an expired lease; only the new holder settles the delivery', async () => {
        const { app } = await appWithEndpoint();
        await publish(app.id);
        const [mine] = await store.claimDue(claimRequest({ leaseToken: 'token-a' }));
        const expired = T + 2 * 1000 + 500;
        const [theirs] = await store.claimDue(claimRequest({ leaseToken: 'token-b', now: expired }));
        expect(theirs!.delivery.id).toBe(mine!.delivery.id);

        // The old holder's late outcome is recorded as an attempt but does not settle the delivery.
        await store.settle([settlement(mine!, 'token-a', { kind: 'success' }, expired + 1)]);
        expect(await store.nextDueAt()).toBe(expired + 2500);
        await store.settle([settlement(theirs!, 'token-b', { kind: 'success' }, expired + 2)]);
        expect(await store.nextDueAt()).toBeNull();
        expect(await store.claimDue(claimRequest({ leaseToken: 'token-c', now: T + 10_000_000 }))).toEqual([]);
        const attempts = await store.listAttemptsForMessage(app.id, mine!.message.id, { limit: 10 });
        expect(attempts.data).toHaveLength(2);
      });

      it('settles a batch: success, retry later, and failure that disables the endpoint', async () => {
        const app = await store.createApp(makeApp());
        const ok = await store.createEndpoint(makeEndpoint(app.id));
        const flaky = await store.createEndpoint(makeEndpoint(app.id));
        const dead = await store.createEndpoint(makeEndpoint(app.id));
        await publish(app.id);
        const claimed = await store.claimDue(claimRequest());
        const of = (id: string) => claimed.find((c) => c.endpoint.id === id)!;
        await store.settle([
          settlement(of(ok.id), 'token-a', { kind: 'success' }),
          settlement(of(flaky.id), 'token-a', { kind: 'retry', nextAttemptAt: T + 1000 }),
          settlement(of(dead.id), 'token-a', { kind: 'failed', disableEndpoint: true }),
        ]);
        expect((await store.getEndpoint(app.id, dead.id))!.disabled).toBe(true);
        expect(await store.nextDueAt()).toBe(T + 1000);
        expect(await store.claimDue(claimRequest({ now: T + 999 }))).toEqual([]);
        const retried = await store.claimDue(claimRequest({ now: T + 1000 }));
        expect(retried.map((c) => [c.endpoint.id, c.delivery.attempts])).toEqual([[flaky.id, 1]]);

        // A disabled endpoint gets no new deliveries.
        expect((await publish(app.id)).deliveryCount).toBe(2);
      });

      it('settles a batch although one endpoint was deleted while its delivery was in flight', async () => {
        const app = await store.createApp(makeApp());
        const gone = await store.createEndpoint(makeEndpoint(app.id));
        const kept = await store.createEndpoint(makeEndpoint(app.id));
        await publish(app.id);
        const claimed = await store.claimDue(claimRequest());
        await store.deleteEndpoint(app.id, gone.id);
        await store.settle(claimed.map((c) => settlement(c, 'token-a', { kind: 'success' })));
        expect((await store.listAttemptsForEndpoint(app.id, kept.id, { limit: 5 })).data).toHaveLength(1);
        expect(await store.nextDueAt()).toBeNull();
      });

      it('does not claim deliveries of a disabled endpoint', async () => {
        const { app, ep } = await appWithEndpoint();
        await publish(app.id);
        await store.updateEndpoint({ ...ep, disabled: true });
        expect(await store.claimDue(claimRequest())).toEqual([]);
        await store.updateEndpoint({ ...ep, disabled: false });
        expect(await store.claimDue(claimRequest())).toHaveLength(1);
      });

      it('claims at most the batch limit, earliest due first', async () => {
        const { app } = await appWithEndpoint();
        for (let i = 0; i < 5; i++) await publish(app.id, { eventType: `e.${i}` }, T + i);
        const claimed = await store.claimDue(claimRequest({ now: T + 10, limit: 3 }));
        expect(claimed.map((c) => c.message.eventType)).toEqual(['e.0', 'e.1', 'e.2']);
      });

      it('releases claims held with the right token so they are due again at once', async () => {
        const { app } = await appWithEndpoint();
        await publish(app.id);
        const [c] = await store.claimDue(claimRequest());
        await store.releaseClaims([c!.delivery.id], 'not-mine', T);
        expect(await store.claimDue(claimRequest({ leaseToken: 'token-b' }))).toEqual([]);
        await store.releaseClaims([c!.delivery.id], 'token-a', T);
        expect(await store.claimDue(claimRequest({ leaseToken: 'token-b' }))).toHaveLength(1);
        expect(await store.releaseAllLeases(T)).toBe(1);
        expect(await store.claimDue(claimRequest({ leaseToken: 'token-c' }))).toHaveLength(1);
      });

      it('claims a resend (a new delivery of an existing message)', async () => {
        const { app, ep } = await appWithEndpoint();
        const { message } = await publish(app.id);
        const [c] = await store.claimDue(claimRequest());
        await store.settle([settlement(c!, 'token-a', { kind: 'success' })]);
        await store.createDelivery({
          id: newId('dlv'), msgId: message.id, endpointId: ep.id, appId: app.id, status: 'pending', attempts: 0,
          nextAttemptAt: T + 5, createdAt: iso(T + 5), updatedAt: iso(T + 5),
        });
        const [again] = await store.claimDue(claimRequest({ now: T + 5 }));
        expect(again!.message.id).toBe(message.id);
        expect(again!.delivery.id).not.toBe(c!.delivery.id);
      });

      it('lists attempts newest first, by message or endpoint, filtered by status', async () => {
        const { app, ep } = await appWithEndpoint();
        const { message } = await publish(app.id);
        let [c] = await store.claimDue(claimRequest());
        await store.settle([settlement(c!, 'token-a', { kind: 'retry', nextAttemptAt: T + 1 })]);
        [c] = await store.claimDue(claimRequest({ now: T + 1 }));
        await store.settle([settlement(c!, 'token-a', { kind: 'success' }, T + 2)]);

        const all = await store.listAttemptsForMessage(app.id, message.id, { limit: 1 });
        expect(all.data.map((a) => [a.attempt, a.status])).toEqual([[2, 'success']]);
        const older = await store.listAttemptsForMessage(app.id, message.id, { limit: 1, iterator: all.iterator! });
        expect(older.data[0]).toMatchObject({ attempt: 1, status: 'failed', responseStatus: 500, error: 'HTTP 500' });
        expect(older.data[0]!.request.headers).toEqual({ 'webhook-id': message.id });
        const failed = await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 10, status: 'failed' });
        expect(failed.data.map((a) => a.attempt)).toEqual([1]);
        expect((await store.listAttemptsForEndpoint('app_other', ep.id, { limit: 10 })).data).toEqual([]);
      });
    });

    describe('per-endpoint limits', () => {
      it('fills only the room each endpoint has left under its concurrency limit', async () => {
        const app = await store.createApp(makeApp());
        const a = await store.createEndpoint(makeEndpoint(app.id, { eventTypes: ['a'] }));
        const b = await store.createEndpoint(makeEndpoint(app.id, { eventTypes: ['b'] }));
        for (let i = 0; i < 5; i++) {
          await publish(app.id, { eventType: 'a' });
          await publish(app.id, { eventType: 'b' });
        }
        const count = (claimed: ClaimedDelivery[], id: string) => claimed.filter((c) => c.endpoint.id === id).length;
        const first = await store.claimDue(claimRequest({ perEndpointLimit: 2, inFlightByEndpoint: { [a.id]: 1 } }));
        expect([count(first, a.id), count(first, b.id)]).toEqual([1, 2]);

        // Another process, knowing nothing of the first one's requests.
        const second = await store.claimDue(claimRequest({ perEndpointLimit: 2, leaseToken: 'token-b' }));
        if (store.capabilities.singleProcess) {
          // One process per store: its own in-flight count is the whole truth.
          expect(second).toHaveLength(4);
        } else {
          // Shared store: live leases of every process count against the limit.
          expect([count(second, a.id), count(second, b.id)]).toEqual([1, 0]);
          const later = await store.claimDue(claimRequest({ perEndpointLimit: 2, leaseToken: 'token-c', now: T + 2500 }));
          expect([count(later, a.id), count(later, b.id)]).toEqual([2, 2]);
        }
      });

      it('claims another endpoint\'s later work past the older backlog of an endpoint at its limit', async () => {
        const app = await store.createApp(makeApp());
        const full = await store.createEndpoint(makeEndpoint(app.id, { eventTypes: ['old'] }));
        const free = await store.createEndpoint(makeEndpoint(app.id, { eventTypes: ['new'] }));
        for (let i = 0; i < 30; i++) await publish(app.id, { eventType: 'old' }, T);
        for (let i = 0; i < 3; i++) await publish(app.id, { eventType: 'new' }, T + 5);
        const claimed = await store.claimDue(claimRequest({ now: T + 10, limit: 10, perEndpointLimit: 4, inFlightByEndpoint: { [full.id]: 4 } }));
        if (store.capabilities.singleProcess) {
          expect(claimed.map((c) => c.endpoint.id)).toEqual([free.id, free.id, free.id]);
        } else {
          // Shared store: this process's count is not the whole truth, so the full endpoint gets its room of 4.
          expect(claimed.filter((c) => c.endpoint.id === free.id)).toHaveLength(3);
        }
      });

      it('holds a rate limit: deliveries over it stay pending until the bucket refills', async () => {
        // 2/s: the bucket holds 2 (one second's worth) and refills one token every 500 ms.
        const { app, ep } = await appWithEndpoint({ rateLimit: 2 });
        const free = await store.createEndpoint(makeEndpoint(app.id));
        for (let i = 0; i < 10; i++) await publish(app.id);
        const limited = (claimed: ClaimedDelivery[]) => claimed.filter((c) => c.endpoint.id === ep.id).length;

        const first = await store.claimDue(claimRequest());
        expect(limited(first)).toBe(2);
        expect(first.filter((c) => c.endpoint.id === free.id)).toHaveLength(10);
        expect(limited(await store.claimDue(claimRequest({ leaseToken: 'token-b' })))).toBe(0);
        // Still pending, and the dispatcher is told to look again by the time a token is back.
        expect(await store.nextDueAt()).toBeLessThanOrEqual(T + 500);
        expect(limited(await store.claimDue(claimRequest({ now: T + 499 })))).toBe(0);
        expect(limited(await store.claimDue(claimRequest({ now: T + 500 })))).toBe(1);
        // However long the wait, the bucket holds no more than its burst.
        expect(limited(await store.claimDue(claimRequest({ now: T + 60_000 })))).toBe(2);
      });
    });
  });
}
