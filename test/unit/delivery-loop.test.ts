import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLoop, type DeliveryLoopLimits } from '../../src/delivery/delivery-loop.js';
import { eventually } from '../helpers/test-herald.js';
import { capturedLogger, claimedOn, deferred, FakeDeliverer, FakeStore } from './delivery-loop-fakes.js';

// The delivery loop against a fake store and deliverer. The poll interval is a minute unless a test
// needs polling: whatever the loop does within a test's few seconds, a wake-up made it do.

const MINUTE = 60_000;
const limits = (overrides: Partial<DeliveryLoopLimits> = {}): DeliveryLoopLimits => ({
  batchSize: 10, maxInFlight: 10, perEndpointConcurrency: 10, pollIntervalMs: MINUTE, leaseMarginMs: 500, shutdownGraceMs: MINUTE,
  ...overrides,
});

let loop: DeliveryLoop | undefined;
let deliverer: FakeDeliverer | undefined;
afterEach(async () => {
  // Lets requests still held by a test end, so stop() does not wait out its grace period.
  if (deliverer) for (const id of deliverer.requests.keys()) deliverer.succeed(id);
  await loop?.stop();
  loop = deliverer = undefined;
});

function startLoop(store: FakeStore, limitOverrides: Partial<DeliveryLoopLimits> = {}) {
  const { logger, lines } = capturedLogger();
  deliverer = new FakeDeliverer();
  loop = new DeliveryLoop({ store: store.asStore(), deliverer, logger, limits: limits(limitOverrides) });
  loop.start();
  return { loop, deliverer, lines };
}

describe('DeliveryLoop', () => {
  it('logs a claim that throws and keeps claiming', async () => {
    const store = new FakeStore();
    store.failNextClaim = new Error('database is locked');
    const a = claimedOn('ep_1');
    store.due.push(a);
    // Polls every 20 ms: after an error, the poll is what brings the loop back.
    const { deliverer, lines } = startLoop(store, { pollIntervalMs: 20 });

    await eventually(() => deliverer.requests.has(a.delivery.id));
    const error = lines.find((l) => l.level === 50);
    expect(error?.msg).toMatch(/loop error/);
    expect((error?.err as { message?: string }).message).toBe('database is locked');
    deliverer.succeed(a.delivery.id);
    await eventually(() => store.settled.some((s) => s.deliveryId === a.delivery.id));
  });

  it('releases, not settles, the deliveries still in flight when the shutdown grace runs out', async () => {
    const store = new FakeStore();
    const quick = claimedOn('ep_1');
    const stuck = claimedOn('ep_1');
    store.due.push(quick, stuck);
    const { loop, deliverer, lines } = startLoop(store, { shutdownGraceMs: 50 });
    await eventually(() => deliverer.requests.size === 2);
    deliverer.succeed(quick.delivery.id);
    await eventually(() => store.settled.length === 1);

    await loop.stop();
    expect(deliverer.aborted).toBe(true);
    const leaseToken = store.claims[0]!.leaseToken;
    expect(store.released).toEqual([{ ids: [stuck.delivery.id], leaseToken }]);
    expect(store.settled.map((s) => s.deliveryId)).toEqual([quick.delivery.id]);
    expect(loop.inFlightCount).toBe(0);
    expect(lines.some((l) => l.level === 40 && /grace period over/.test(String(l.msg)))).toBe(true);
  });

  it('leases an endpoint its concurrency plus its queue, and gives back unsent a delivery still waiting for a slot at the cut-off', async () => {
    const store = new FakeStore();
    const sent = claimedOn('ep_1');
    const waiting = claimedOn('ep_1');
    store.due.push(sent, waiting);
    const { loop, deliverer, lines } = startLoop(store, { perEndpointConcurrency: 2, perEndpointQueue: 2, shutdownGraceMs: 50 });
    await eventually(() => deliverer.requests.size === 2);
    // Claims and hand-offs are told the loop may hold 4 of this endpoint's deliveries.
    expect(store.claims[0]!.perEndpointLimit).toBe(4);
    expect(store.claims[0]!.perEndpointQueue).toBe(2);
    const handOff = loop.offerHandOff()!;
    expect(handOff.perEndpointLimit).toBe(4);
    expect([handOff.reserve('ep_1'), handOff.reserve('ep_1'), handOff.reserve('ep_1')]).toEqual([true, true, false]);
    handOff.close();

    // The grace runs out: the sent one ends as aborted, the waiting one rejects unsent (as endpoint-slots.ts does).
    const slot = deliverer.requests.get(waiting.delivery.id)!;
    deliverer.requests.delete(waiting.delivery.id); // not in flight: abortAll does not end it
    const stopping = loop.stop();
    await eventually(() => deliverer.aborted);
    slot.done.reject(new Error('stopped before it was sent'));
    await stopping;
    const leaseToken = store.claims[0]!.leaseToken;
    expect(store.released.flatMap((r) => r.ids).sort()).toEqual([sent.delivery.id, waiting.delivery.id].sort());
    expect(store.released.every((r) => r.leaseToken === leaseToken)).toBe(true);
    expect(store.settled).toEqual([]);
    expect(lines.some((l) => /failed unexpectedly/.test(String(l.msg)))).toBe(false);
  });

  it('never leases more than twice the concurrency, whatever queue it is given', async () => {
    const store = new FakeStore();
    store.due.push(claimedOn('ep_1'));
    const { deliverer } = startLoop(store, { perEndpointConcurrency: 3, perEndpointQueue: 100 });
    await eventually(() => deliverer.requests.size === 1);
    expect(store.claims[0]!.perEndpointLimit).toBe(6);
  });

  it('lets requests that finish within the grace period settle, and releases nothing', async () => {
    const store = new FakeStore();
    const a = claimedOn('ep_1');
    store.due.push(a);
    const { loop, deliverer } = startLoop(store);
    await eventually(() => deliverer.requests.size === 1);
    const stopped = loop.stop();
    deliverer.succeed(a.delivery.id);
    await stopped;
    expect(deliverer.aborted).toBe(false);
    expect(store.released).toEqual([]);
    expect(store.settled.map((s) => s.deliveryId)).toEqual([a.delivery.id]);
  });

  it('claims the next delivery of an ordered entity as soon as the previous one is settled', async () => {
    const store = new FakeStore();
    const first = claimedOn('ep_1', { orderingKey: 'Agreement:25' });
    const second = claimedOn('ep_1', { orderingKey: 'Agreement:25' });
    store.due.push(first, second);
    // As a store does: the second waits until the first's outcome is committed.
    store.held = (c) => c === second && !store.settled.some((s) => s.deliveryId === first.delivery.id);
    const commit = deferred<void>();
    store.settleGate = commit.promise;
    const { loop, deliverer } = startLoop(store);

    await eventually(() => deliverer.requests.has(first.delivery.id));
    deliverer.succeed(first.delivery.id);
    // Finished but not yet settled: the second is still held back.
    await eventually(() => loop.inFlightCount === 0);
    expect(deliverer.requests.has(second.delivery.id)).toBe(false);
    // Its settlement commits: with a poll interval of a minute, only that can bring the loop back.
    commit.resolve();
    await eventually(() => deliverer.requests.has(second.delivery.id), 5000);
  });

  it('counts requests in flight per endpoint and brings every count back to zero', async () => {
    const store = new FakeStore();
    const onOne = [claimedOn('ep_1'), claimedOn('ep_1'), claimedOn('ep_1')];
    const onTwo = [claimedOn('ep_2'), claimedOn('ep_2')];
    store.due.push(...onOne, ...onTwo);
    const { loop, deliverer } = startLoop(store);
    await eventually(() => deliverer.requests.size === 5);
    expect(loop.inFlightCount).toBe(5);

    // One ends normally: the next claim (woken as a publish would) counts what is left.
    deliverer.succeed(onOne[0]!.delivery.id);
    await eventually(() => store.settled.length === 1);
    loop.wake();
    await eventually(() => store.claims.at(-1)!.inFlightByEndpoint.ep_1 === 2);
    expect(store.claims.at(-1)!.inFlightByEndpoint).toEqual({ ep_1: 2, ep_2: 2 });

    // The rest end too, one of them by a deliverer that rejects (a bug it is built never to have).
    deliverer.crash(onTwo[0]!.delivery.id);
    for (const c of [onOne[1]!, onOne[2]!, onTwo[1]!]) deliverer.succeed(c.delivery.id);
    await eventually(() => loop.inFlightCount === 0 && store.settled.length === 4);
    loop.wake();
    await eventually(() => Object.keys(store.claims.at(-1)!.inFlightByEndpoint).length === 0);
    expect(store.claims.at(-1)!.inFlightByEndpoint).toEqual({});
  });

  it('wakes on wake(): a delivery published after the loop went to sleep is claimed at once', async () => {
    const store = new FakeStore();
    const { loop, deliverer } = startLoop(store);
    await eventually(() => store.claims.length === 1);
    const a = claimedOn('ep_1');
    store.due.push(a);
    loop.wake();
    await eventually(() => deliverer.requests.has(a.delivery.id), 5000);
  });
});
