import pino, { type Logger } from 'pino';
import { newId } from '../../src/domain/ids.js';
import type { AttemptResult } from '../../src/delivery/deliver-one.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import type { ClaimRequest, ClaimedDelivery, Settlement, Store } from '../../src/store/store.js';
import { iso, makeEndpoint, makeMessage, settlement, T } from '../store/store-fixtures.js';

// Stand-ins for what the delivery loop drives: a store that hands out the deliveries a test puts
// in it, and a deliverer whose requests the test finishes one by one.

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export function claimedOn(endpointId: string, overrides: { orderingKey?: string } = {}): ClaimedDelivery {
  const endpoint = makeEndpoint('app_1', { id: endpointId });
  const message = makeMessage('app_1');
  return {
    delivery: {
      id: newId('dlv'), msgId: message.id, endpointId, appId: 'app_1', status: 'pending', attempts: 0, nextAttemptAt: T,
      createdAt: iso(T), updatedAt: iso(T), orderingKey: overrides.orderingKey ?? null,
    },
    message,
    endpoint,
    appRetrySchedule: null,
  };
}

export class FakeStore {
  /** Deliveries the next claims may take, in order. */
  due: ClaimedDelivery[] = [];
  /** Due but not claimable (an ordered delivery behind an unsettled one): skipped by claims and nextDueAt. */
  held = (_c: ClaimedDelivery) => false;
  /** Set to make the next claim throw. */
  failNextClaim: Error | null = null;
  /** When set, each settle waits for this before it commits. */
  settleGate: Promise<void> | null = null;
  readonly claims: Array<Omit<ClaimRequest, 'inFlightByEndpoint'> & { inFlightByEndpoint: Record<string, number> }> = [];
  readonly settled: Settlement[] = [];
  readonly released: Array<{ ids: string[]; leaseToken: string }> = [];

  async claimDue(req: ClaimRequest): Promise<ClaimedDelivery[]> {
    // A copy: the loop keeps updating its own map after the claim.
    this.claims.push({ ...req, inFlightByEndpoint: { ...req.inFlightByEndpoint } });
    const failure = this.failNextClaim;
    if (failure) {
      this.failNextClaim = null;
      throw failure;
    }
    const taken = this.due.filter((c) => !this.held(c)).slice(0, req.limit);
    this.due = this.due.filter((c) => !taken.includes(c));
    return taken;
  }

  async nextDueAt(): Promise<number | null> {
    return this.due.some((c) => !this.held(c)) ? Date.now() : null;
  }

  async settle(batch: Settlement[]): Promise<void> {
    if (this.settleGate) await this.settleGate;
    this.settled.push(...batch);
  }

  async releaseClaims(ids: string[], leaseToken: string): Promise<void> {
    this.released.push({ ids, leaseToken });
  }

  asStore(): Store {
    return this as unknown as Store;
  }
}

/** Each request stays in flight until the test finishes it (or abortAll cuts it off, as `aborted`). */
export class FakeDeliverer implements Deliverer {
  readonly requests = new Map<string, { claimed: ClaimedDelivery; done: Deferred<AttemptResult> }>();
  aborted = false;

  deliver(claimed: ClaimedDelivery): Promise<AttemptResult> {
    const done = deferred<AttemptResult>();
    this.requests.set(claimed.delivery.id, { claimed, done });
    return done.promise;
  }

  succeed(deliveryId: string): void {
    const { claimed, done } = this.requests.get(deliveryId)!;
    const { leaseToken: _, ...result } = settlement(claimed, 'unused', { kind: 'success' }, Date.now());
    done.resolve(result);
  }

  /** deliver() rejects, which a deliverer is built never to do. */
  crash(deliveryId: string): void {
    this.requests.get(deliveryId)!.done.reject(new Error('deliverer bug'));
  }

  abortAll(): void {
    this.aborted = true;
    for (const { claimed, done } of this.requests.values()) {
      const { leaseToken: _, ...result } = settlement(claimed, 'unused', { kind: 'retry', nextAttemptAt: Date.now() + 5000 }, Date.now());
      done.resolve({ ...result, attempt: { ...result.attempt, error: 'aborted' } });
    }
  }

  async close(): Promise<void> {}
}

/** A real pino logger whose lines the test reads back. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
