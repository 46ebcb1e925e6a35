import { describe, expect, it } from 'vitest';
import { idAt, idFloorAt } from '../../src/domain/id-time.js';
import { newId } from '../../src/domain/ids.js';
import type { Attempt, Endpoint, Message } from '../../src/domain/model.js';
import { MessagePurgedError } from '../../src/store/errors.js';
import type { ClaimRequest, ClaimedDelivery, SettleOutcome, Store } from '../../src/store/store.js';
import { iso, makeApp, makeEndpoint, makeMessage, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// The operations part of the Store contract (failure streaks, tasks and bulk recovery, retention,
// ordered claims, request ids), run on every backend by defineStoreContract.

const DAY = 86_400_000;

export function defineOperationsContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (operations): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    async function appWithEndpoint(endpoint: Partial<Endpoint> = {}) {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, endpoint));
      return { app, ep };
    }

    const publish = (appId: string, message: Partial<Message> = {}, now = T) =>
      store.publish({ message: makeMessage(appId, message), idempotencySince: now - DAY, now });

    const claim = (overrides: Partial<ClaimRequest> = {}) =>
      store.claimDue({ now: T, limit: 100, leaseMarginMs: 500, perEndpointLimit: 64, inFlightByEndpoint: {}, leaseToken: 'token-a', ...overrides });

    function settle(c: ClaimedDelivery, outcome: SettleOutcome, now = T, attemptId = newId('atm')) {
      const ok = outcome.kind === 'success';
      const attempt: Attempt = {
        id: attemptId, deliveryId: c.delivery.id, msgId: c.message.id, endpointId: c.endpoint.id, appId: c.delivery.appId,
        attempt: c.delivery.attempts + 1, status: ok ? 'success' : 'failed', responseStatus: ok ? 200 : 500, durationMs: 5,
        createdAt: iso(now), request: { method: 'POST', url: c.endpoint.url, headers: { 'webhook-id': c.message.id }, body: c.message.dataJson },
        response: { headers: { 'content-type': 'text/plain' }, body: ok ? 'ok' : 'boom' }, error: ok ? null : 'HTTP 500',
        requestId: c.message.requestId ?? null,
      };
      return store.settle([{ deliveryId: c.delivery.id, leaseToken: 'token-a', attempt, outcome, now }]);
    }

    describe('failure streaks', () => {
      const track = (endpointId: string, ok: boolean, at: number, period = 1000) =>
        store.trackEndpointFailures({ outcomes: [{ endpointId, ok, at }], disableIfFailingSince: at - period, now: at });

      it('disables an endpoint failing without a success for the whole period; its pending deliveries stay', async () => {
        const { app, ep } = await appWithEndpoint();
        await publish(app.id);
        expect(await track(ep.id, false, T)).toEqual([]);
        expect(await track(ep.id, false, T + 999)).toEqual([]);
        expect((await store.getEndpoint(app.id, ep.id))!.disabled).toBe(false);
        expect(await track(ep.id, false, T + 1000)).toEqual([{ endpointId: ep.id, appId: app.id, failingSince: T }]);
        expect((await store.getEndpoint(app.id, ep.id))!.disabled).toBe(true);
        expect(await claim()).toEqual([]);

        // Re-enabled, it delivers what was kept, and starts with a clean record.
        await store.updateEndpoint({ ...ep, disabled: false });
        expect(await claim()).toHaveLength(1);
        expect(await track(ep.id, false, T + 5000)).toEqual([]);
      });

      it('lets a success end the streak, in time order within a batch too', async () => {
        const { ep } = await appWithEndpoint();
        await track(ep.id, false, T);
        await track(ep.id, true, T + 10);
        expect(await track(ep.id, false, T + 2000)).toEqual([]);
        // One batch: an old failure, a success, a newer failure, listed out of order.
        const disabled = await store.trackEndpointFailures({
          outcomes: [{ endpointId: ep.id, ok: false, at: T + 3500 }, { endpointId: ep.id, ok: true, at: T + 3000 }, { endpointId: ep.id, ok: false, at: T + 2500 }],
          disableIfFailingSince: T + 3500 - 1000, now: T + 3500,
        });
        expect(disabled).toEqual([]);
        expect(await track(ep.id, false, T + 4500)).toEqual([expect.objectContaining({ endpointId: ep.id, failingSince: T + 3500 })]);
      });

      it('forgets a streak on request and ignores endpoints deleted meanwhile', async () => {
        const { app, ep } = await appWithEndpoint();
        await track(ep.id, false, T);
        await store.clearEndpointFailures(ep.id);
        expect(await track(ep.id, false, T + 1500)).toEqual([]);
        await store.deleteEndpoint(app.id, ep.id);
        expect(await track(ep.id, false, T + 9000)).toEqual([]);
      });
    });

    describe('tasks and bulk recovery', () => {
      it('stores a task, reads it back within its app only, and saves progress', async () => {
        const { app, ep } = await appWithEndpoint();
        const task = await store.createTask({
          id: newId('tsk'), appId: app.id, kind: 'endpoint.recover', status: 'running', params: { endpointId: ep.id, since: iso(T) },
          total: 10, done: 0, error: null, createdAt: iso(T), updatedAt: iso(T),
        });
        expect(await store.getTask(app.id, task.id)).toEqual(task);
        expect(await store.getTask('app_other', task.id)).toBeNull();
        const finished = { ...task, status: 'finished' as const, done: 10, updatedAt: iso(T + 5) };
        await store.updateTask(finished);
        expect(await store.getTask(app.id, task.id)).toEqual(finished);
      });

      it('resends exactly the failed deliveries since a time, not those delivered or queued again since', async () => {
        const { app, ep } = await appWithEndpoint();
        const before = (await publish(app.id, { createdAt: iso(T - DAY) })).message;
        const failedA = (await publish(app.id)).message;
        const delivered = (await publish(app.id)).message;
        const failedThenResent = (await publish(app.id)).message;
        const failedB = (await publish(app.id)).message;
        for (const c of await claim()) {
          await settle(c, c.message.id === delivered.id ? { kind: 'success' } : { kind: 'failed', disableEndpoint: false });
        }
        await store.createDelivery({
          id: newId('dlv'), msgId: failedThenResent.id, endpointId: ep.id, appId: app.id, status: 'pending', attempts: 0,
          nextAttemptAt: T + 10_000, createdAt: iso(T + 1), updatedAt: iso(T + 1),
        });

        const scope = { appId: app.id, endpointId: ep.id, since: iso(T - 1000) };
        expect(await store.countRecoverable(scope)).toBe(2);
        expect(await store.countRecoverable({ ...scope, since: iso(T - 2 * DAY) })).toBe(3);
        const first = await store.recoverBatch({ ...scope, afterMsgId: null, limit: 1, now: T + 2 });
        expect(first).toEqual({ created: 1, lastMsgId: failedA.id });
        const second = await store.recoverBatch({ ...scope, afterMsgId: first.lastMsgId, limit: 1, now: T + 2 });
        expect(second).toEqual({ created: 1, lastMsgId: failedB.id });
        expect(await store.recoverBatch({ ...scope, afterMsgId: second.lastMsgId, limit: 1, now: T + 2 })).toEqual({ created: 0, lastMsgId: null });

        const resent = await claim({ now: T + 2 });
        expect(resent.map((c) => c.message.id).sort()).toEqual([failedA.id, failedB.id].sort());
        expect(resent.every((c) => c.delivery.attempts === 0)).toBe(true);
        expect(await store.countRecoverable(scope)).toBe(0);
        expect(before.id).not.toBe(failedA.id);
      });

      it('recovers only failures created before `until` when one is given (Svix recover until)', async () => {
        const { app, ep } = await appWithEndpoint();
        const early = (await publish(app.id, { createdAt: iso(T - DAY) })).message;
        const late = (await publish(app.id)).message;
        for (const c of await claim()) await settle(c, { kind: 'failed', disableEndpoint: false });

        const scope = { appId: app.id, endpointId: ep.id, since: iso(T - 2 * DAY), until: iso(T - 1000) };
        expect(await store.countRecoverable(scope)).toBe(1);
        expect(await store.countRecoverable({ ...scope, until: null })).toBe(2);
        expect(await store.recoverBatch({ ...scope, afterMsgId: null, limit: 10, now: T + 2 })).toEqual({ created: 1, lastMsgId: early.id });
        expect((await claim({ now: T + 2 })).map((c) => c.message.id)).toEqual([early.id]);
        expect(late.id).not.toBe(early.id);
      });
    });

    describe('retention', () => {
      it('purges old payloads and attempt bodies in batches, keeping metadata, new rows and pending messages', async () => {
        const { app } = await appWithEndpoint();
        const old = T - 40 * DAY;
        const oldMessages: Message[] = [];
        for (let i = 0; i < 3; i++) {
          oldMessages.push((await publish(app.id, { id: idAt('msg', old + i), createdAt: iso(old + i), dataJson: `{"old":${i}}` }, old)).message);
        }
        // Ids carry their creation time: this clock's "now" is T, not the real one.
        const fresh = (await publish(app.id, { id: idAt('msg', T), dataJson: '{"fresh":true}' })).message;
        // Every delivery attempted once; the last old message's delivery is still pending (a retry).
        for (const c of await claim()) {
          const attemptId = idAt('atm', c.message.id === fresh.id ? T : Date.parse(c.message.createdAt));
          const keepGoing = c.message.id === oldMessages[2]!.id;
          await settle(c, keepGoing ? { kind: 'retry', nextAttemptAt: T + 1000 } : { kind: 'success' }, T, attemptId);
        }

        const cutoff = T - 30 * DAY;
        const messagesPass = async () => {
          const results = [];
          let afterId: string | null = null;
          for (;;) {
            const r = await store.purgeMessagePayloads({ beforeId: idFloorAt('msg', cutoff), afterId, limit: 2, now: T });
            results.push(r);
            if (r.scanned < 2) return results;
            afterId = r.lastId;
          }
        };
        const pass = await messagesPass();
        expect(pass.reduce((n, r) => n + r.purged, 0)).toBe(2);
        expect(pass[0]).toMatchObject({ scanned: 2, purged: 2, lastId: oldMessages[1]!.id });

        const purged = await store.getMessage(app.id, oldMessages[0]!.id);
        expect(purged).toMatchObject({ id: oldMessages[0]!.id, eventType: 'member.added', createdAt: oldMessages[0]!.createdAt, dataJson: 'null' });
        expect((await store.getMessage(app.id, oldMessages[2]!.id))!.dataJson).toBe('{"old":2}');
        expect((await store.getMessage(app.id, fresh.id))!.dataJson).toBe('{"fresh":true}');
        // Purged rows are not looked at again.
        expect((await messagesPass()).reduce((n, r) => n + r.scanned, 0)).toBe(1);

        const attempts = await store.purgeAttemptBodies({ beforeId: idFloorAt('atm', cutoff), afterId: null, limit: 10, now: T });
        expect(attempts).toMatchObject({ scanned: 3, purged: 3 });
        const [oldAttempt] = (await store.listAttemptsForMessage(app.id, oldMessages[0]!.id, { limit: 5 })).data;
        expect(oldAttempt).toMatchObject({ status: 'success', responseStatus: 200, durationMs: 5 });
        expect(oldAttempt!.request).toMatchObject({ method: 'POST', headers: { 'webhook-id': oldMessages[0]!.id }, body: null });
        expect(oldAttempt!.response).toEqual({ headers: { 'content-type': 'text/plain' }, body: null });
        const [freshAttempt] = (await store.listAttemptsForMessage(app.id, fresh.id, { limit: 5 })).data;
        expect(freshAttempt!.request.body).toBe('{"fresh":true}');
      });
    });

    describe('background leader\'s work', () => {
      it('lists running tasks oldest first, for a new leader to resume', async () => {
        const { app, ep } = await appWithEndpoint();
        const task = (id: string, status: 'running' | 'finished') => store.createTask({
          id, appId: app.id, kind: 'endpoint.recover', status, params: { endpointId: ep.id, since: iso(T) },
          total: 1, done: 0, error: null, createdAt: iso(T), updatedAt: iso(T),
        });
        const older = await task(idAt('tsk', T), 'running');
        await task(idAt('tsk', T + 1), 'finished');
        const newer = await task(idAt('tsk', T + 2), 'running');
        expect((await store.listRunningTasks(10)).map((t) => t.id)).toEqual([older.id, newer.id]);
        expect((await store.listRunningTasks(1)).map((t) => t.id)).toEqual([older.id]);
      });

      it('sweeps: disables the endpoints failing since the cutoff or earlier, once, and forgets their streaks', async () => {
        const { app, ep: longFailing } = await appWithEndpoint();
        const recentFailing = await store.createEndpoint(makeEndpoint(app.id));
        const healthy = await store.createEndpoint(makeEndpoint(app.id));
        await store.trackEndpointFailures({
          outcomes: [
            { endpointId: longFailing.id, ok: false, at: T - 10_000 },
            { endpointId: recentFailing.id, ok: false, at: T - 1000 },
            { endpointId: healthy.id, ok: true, at: T - 10_000 },
          ],
          disableIfFailingSince: Number.MIN_SAFE_INTEGER, now: T - 1000,
        });
        expect(await store.disableFailingEndpoints(T - 5000, T)).toEqual([{ endpointId: longFailing.id, appId: app.id, failingSince: T - 10_000 }]);
        expect((await store.getEndpoint(app.id, longFailing.id))!.disabled).toBe(true);
        expect((await store.getEndpoint(app.id, recentFailing.id))!.disabled).toBe(false);
        expect((await store.getEndpoint(app.id, healthy.id))!.disabled).toBe(false);
        // Reported once: a second sweep finds nothing new.
        expect(await store.disableFailingEndpoints(T - 5000, T)).toEqual([]);
        // The recent streak goes on, and is swept once it is old enough.
        expect((await store.disableFailingEndpoints(T - 500, T)).map((d) => d.endpointId)).toEqual([recentFailing.id]);
      });
    });

    describe('resend after retention', () => {
      it('refuses a new delivery of a purged message (MessagePurgedError) and accepts one of a message that keeps its payload', async () => {
        const { app, ep } = await appWithEndpoint({ disabled: true });
        const old = T - 40 * DAY;
        const gone = (await publish(app.id, { id: idAt('msg', old), createdAt: iso(old), dataJson: '{"old":true}' }, old)).message;
        const kept = (await publish(app.id, { id: idAt('msg', T), dataJson: '{"fresh":true}' })).message;
        await store.purgeMessagePayloads({ beforeId: idFloorAt('msg', T - 30 * DAY), afterId: null, limit: 10, now: T });
        const delivery = (msgId: string) => ({
          id: newId('dlv'), msgId, endpointId: ep.id, appId: app.id, status: 'pending' as const, attempts: 0,
          nextAttemptAt: T, createdAt: iso(T), updatedAt: iso(T),
        });
        await expect(store.createDelivery(delivery(gone.id))).rejects.toBeInstanceOf(MessagePurgedError);
        await expect(store.createDelivery(delivery(kept.id))).resolves.toMatchObject({ msgId: kept.id });
        // Nothing was queued for the purged message: the endpoint's pending list holds the kept one only.
        const pending = await store.listPendingDeliveries(app.id, ep.id, { limit: 10 });
        expect(pending.data.map((d) => d.msgId)).toEqual([kept.id]);
      });
    });

    describe('ordered delivery and request ids', () => {
      it('claims one delivery per entity at a time on an ordered endpoint, holding later ones while one retries', async () => {
        const app = await store.createApp(makeApp());
        const ordered = await store.createEndpoint(makeEndpoint(app.id, { ordering: 'entity' }));
        const free = await store.createEndpoint(makeEndpoint(app.id));
        expect((await store.getEndpoint(app.id, ordered.id))!.ordering).toBe('entity');
        const a1 = (await publish(app.id, { orderingKey: 'Order:1', eventType: 'a1' })).message;
        await publish(app.id, { orderingKey: 'Order:1', eventType: 'a2' });
        await publish(app.id, { orderingKey: 'Order:2', eventType: 'b1' });
        await publish(app.id, { eventType: 'none' });
        const names = (cs: ClaimedDelivery[], ep: string) => cs.filter((c) => c.endpoint.id === ep).map((c) => c.message.eventType).sort();

        const first = await claim();
        expect(names(first, ordered.id)).toEqual(['a1', 'b1', 'none']);
        expect(names(first, free.id)).toEqual(['a1', 'a2', 'b1', 'none']);
        expect(first.find((c) => c.message.id === a1.id)!.message.requestId).toBeNull();
        for (const c of first) {
          const retry = c.endpoint.id === ordered.id && c.message.id === a1.id;
          await settle(c, retry ? { kind: 'retry', nextAttemptAt: T + 100 } : { kind: 'success' });
        }
        // a1 waits for its retry: a2 stays behind it.
        expect(await claim({ now: T + 50 })).toEqual([]);
        const [retried, ...rest] = await claim({ now: T + 100 });
        expect([retried!.message.eventType, rest]).toEqual(['a1', []]);
        await settle(retried!, { kind: 'success' }, T + 101);
        expect(names(await claim({ now: T + 101 }), ordered.id)).toEqual(['a2']);
      });

      it('holds an entity while any of its deliveries is in flight, even one created after the next in line', async () => {
        const app = await store.createApp(makeApp());
        const ordered = await store.createEndpoint(makeEndpoint(app.id, { ordering: 'entity' }));
        const { message } = await publish(app.id, { orderingKey: 'Order:1' });
        const [inFlight] = await claim();
        // A delivery of the same entity whose id sorts first, as one stamped by a process whose clock
        // runs behind would: it is next in line, but must wait for the one in flight.
        const early = 'dlv_00000000000000000000000000';
        await store.createDelivery({
          id: early, msgId: message.id, endpointId: ordered.id, appId: app.id, status: 'pending', attempts: 0,
          nextAttemptAt: T, createdAt: iso(T), updatedAt: iso(T), orderingKey: 'Order:1',
        });
        expect(await claim({ leaseToken: 'token-b' })).toEqual([]);
        await settle(inFlight!, { kind: 'success' });
        expect((await claim({ leaseToken: 'token-b' })).map((c) => c.delivery.id)).toEqual([early]);
      });

      it('keeps the request id of a publish with the message and its attempts', async () => {
        const { app } = await appWithEndpoint();
        const { message } = await publish(app.id, { requestId: 'req_abc123' });
        expect((await store.getMessage(app.id, message.id))!.requestId).toBe('req_abc123');
        const [c] = await claim();
        expect(c!.message.requestId).toBe('req_abc123');
        await settle(c!, { kind: 'success' });
        expect((await store.listAttemptsForMessage(app.id, message.id, { limit: 1 })).data[0]!.requestId).toBe('req_abc123');
      });
    });
  });
}
