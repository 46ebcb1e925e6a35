import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimedDelivery, Settlement, Store } from '../store/store.js';
import type { Deliverer } from './deliverer.js';
import { claimLimit, pauseMs, type PacingLimits } from './loop-pacing.js';
import { SettleBatcher } from './settle-batcher.js';
import { WakeableDelay } from './wakeable-delay.js';
import { HandOffSession, type LoopRoom } from './hand-off-session.js';
import { InFlightRoom } from './in-flight-room.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';

export interface DeliveryLoopLimits extends PacingLimits {
  /** Most requests in flight to one endpoint. */
  perEndpointConcurrency: number;
  /**
   * How many more deliveries than that one endpoint may be leased to this loop, waiting in the
   * deliverer for a slot (which must then enforce perEndpointConcurrency: endpoint-slots.ts). They
   * start as soon as a request ends, without a round trip through the claim; the lease covers the
   * wait, one timeout at most while this is no more than the concurrency. 0 (absent) with a store
   * that several processes share: there the concurrency counts every process's leases.
   */
  perEndpointQueue?: number;
  leaseMarginMs: number;
  /** On stop, how long in-flight requests may finish before they are aborted and released. */
  shutdownGraceMs: number;
}

export interface DeliveryLoopObserver {
  /** Each attempt as it finishes (metrics, its span), with what was claimed. */
  attemptFinished(settlement: Settlement, claimed: ClaimedDelivery): void;
  /** Each batch of settlements once committed (failure streaks, operational events). */
  settled?(batch: Settlement[]): Promise<void>;
}

export interface DeliveryLoopOptions {
  store: Store;
  /** Renders, signs and sends (on this thread or on delivery threads). */
  deliverer: Deliverer;
  logger: Logger;
  limits: DeliveryLoopLimits;
  observer?: DeliveryLoopObserver;
  /** Spans around claim and settle batches (observability/tracing.ts); absent: none. */
  tracing?: Pick<Tracing, 'claim' | 'settle'>;
}

/**
 * Claims due deliveries in batches and sends them concurrently. Claims are leases
 * (see Store.claimDue), so a process that dies mid-flight loses nothing: its deliveries become
 * due again. The loop never dies on an error; it reports it and tries again after a poll interval.
 * When it looks at the store is decided by pauseMs (loop-pacing.ts).
 */
export class DeliveryLoop {
  private readonly store: Store;
  private readonly deliverer: Deliverer;
  private readonly logger: Logger;
  private readonly limits: DeliveryLoopLimits;
  private readonly observer: DeliveryLoopObserver | undefined;
  private readonly tracing: Pick<Tracing, 'claim' | 'settle'>;
  private readonly leaseToken = randomUUID();
  /** Requests in flight and room kept for hand-offs, per endpoint and in all. */
  private readonly occupancy: InFlightRoom;
  private readonly settler: SettleBatcher;
  private readonly delay = new WakeableDelay();
  private running: Promise<void> | null = null;
  private stopping = false;
  /** The stop's grace period ran out and in-flight requests were cut off: give them back. */
  private cutOff = false;
  private lastPartialClaimAt = 0;
  /** A claim failed: it may have committed all the same (its answer lost with the connection). */
  private claimOutcomeUnknown = false;
  /** Ordered deliveries (ordering key) finished but not yet settled. */
  private readonly orderedSettling = new Set<string>();
  private claiming = false;
  /**
   * The last look at the store found work that was due but had no room (the claim came back full,
   * or an endpoint's limit held some back): a finishing request should wake the loop. When it found
   * nothing waiting, a finishing request makes no work due, and waking for it would only cost a claim.
   */
  private roomBound = true;
  /** The loop's side of publishes' hand-offs (HandOffSession). */
  private readonly room: LoopRoom;
  /** Most deliveries leased to this loop per endpoint: in flight, or waiting for a slot. */
  private readonly perEndpointLeases: number;

  constructor(options: DeliveryLoopOptions) {
    this.store = options.store;
    this.deliverer = options.deliverer;
    this.logger = options.logger;
    this.limits = options.limits;
    this.perEndpointLeases = options.limits.perEndpointConcurrency + Math.min(options.limits.perEndpointQueue ?? 0, options.limits.perEndpointConcurrency);
    this.occupancy = new InFlightRoom({ maxInFlight: options.limits.maxInFlight, perEndpointConcurrency: this.perEndpointLeases });
    // A claim in progress counted the room without what a hand-off would hold (PostgreSQL's is asynchronous).
    this.room = this.occupancy.loopRoom(() => !this.stopping && !this.claiming, (claimed) => this.launch(claimed));
    this.observer = options.observer;
    this.tracing = options.tracing ?? NO_TRACING;
    this.settler = new SettleBatcher(this.store, this.logger, undefined, (batch) => this.afterSettle(batch), this.tracing);
  }

  start(): void {
    if (!this.running) this.running = this.loop();
  }

  /** New work may be due (a publish, a finished request): look now instead of at the next poll. */
  wake(): void {
    this.delay.wake();
  }

  get inFlightCount(): number {
    return this.occupancy.requests.size;
  }

  /**
   * An offer for a publish to hand its new deliveries straight to this loop, leased to it, instead
   * of this loop claiming them back (store/hand-off.ts); null once the loop is stopping. The caller
   * closes it after the publish, committed or not.
   */
  offerHandOff(): HandOffSession | null {
    if (!this.running || this.stopping) return null;
    return new HandOffSession(this.leaseToken, this.limits.leaseMarginMs, this.perEndpointLeases, this.room);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        const hold = pauseMs({ phase: 'before-claim', now: Date.now(), inFlight: this.occupancy.requests.size, lastPartialClaimAt: this.lastPartialClaimAt }, this.limits);
        if (hold > 0) await this.delay.pause(hold, false);
        if (this.claimOutcomeUnknown) await this.recheckLostClaim();
        const limit = claimLimit(this.occupancy.occupied, this.limits);
        this.delay.clearWake();
        this.roomBound = true;
        const claimed = limit > 0 ? await this.claimOrRemember(limit) : [];
        for (const c of claimed) this.launch(c);
        if (limit > 0 && claimed.length === limit) continue;
        this.lastPartialClaimAt = Date.now();
        const nextDueAt = limit > 0 ? await this.store.nextDueAt() : null;
        this.roomBound = limit <= 0 || (nextDueAt !== null && nextDueAt <= Date.now());
        await this.delay.pause(pauseMs({ phase: 'after-claim', now: Date.now(), limit, claimed: claimed.length, nextDueAt }, this.limits), true);
      } catch (err) {
        this.logger.error({ err }, 'delivery loop error; retrying');
        this.roomBound = true;
        await this.delay.pause(pauseMs({ phase: 'after-error' }, this.limits), true);
      }
    }
  }

  private async claimOrRemember(limit: number): Promise<ClaimedDelivery[]> {
    try {
      return await this.claim(limit);
    } catch (err) {
      this.claimOutcomeUnknown = Boolean(this.store.releaseOrphanLeases);
      throw err;
    }
  }

  /**
   * After a failed claim, once the store answers again: deliveries leased under this loop's token
   * that it does not have in flight belong to a claim that committed unheard. They are made due
   * now, instead of waiting for their lease to run out (two endpoint timeouts and the margin).
   */
  private async recheckLostClaim(): Promise<void> {
    const released = await this.store.releaseOrphanLeases!(this.leaseToken, [...this.occupancy.requests.keys(), ...this.settler.settlingIds()], Date.now());
    this.claimOutcomeUnknown = false;
    if (released > 0) this.logger.warn({ released }, 'a claim committed while its answer was lost with the database connection; its deliveries are due again now');
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    this.claiming = true;
    try {
      return await this.tracing.claim(() => this.store.claimDue({
        now: Date.now(),
        limit,
        leaseMarginMs: this.limits.leaseMarginMs,
        perEndpointLimit: this.perEndpointLeases,
        perEndpointQueue: this.perEndpointLeases - this.limits.perEndpointConcurrency,
        inFlightByEndpoint: this.occupancy.byEndpoint,
        leaseToken: this.leaseToken,
      }));
    } finally {
      this.claiming = false;
    }
  }

  private launch(claimed: ClaimedDelivery): void {
    this.occupancy.enterEndpoint(claimed.endpoint.id);
    // One reaction per delivery rather than a then/catch/finally chain: at thousands of
    // deliveries a second, each promise hop is a measurable share of the main thread.
    const done = this.deliverer.deliver(claimed).then(
      (result): Promise<void> | void => {
        // Cut off by shutdown, not by the receiver: give the delivery back untouched.
        if (this.cutOff) return this.giveBack(claimed);
        try {
          this.record({ ...result, leaseToken: this.leaseToken }, claimed);
        } catch (err) {
          this.logFailure(claimed, err);
        }
        this.landed(claimed);
      },
      (err: unknown) => {
        // Cut off by shutdown while it waited for a slot (perEndpointQueue): never sent, given back.
        if (this.cutOff) return this.giveBack(claimed);
        this.logFailure(claimed, err);
        this.landed(claimed);
      },
    );
    this.occupancy.requests.set(claimed.delivery.id, done);
  }

  /** A delivery the stop cut off: its lease is released, so it is due again at once. */
  private giveBack(claimed: ClaimedDelivery): Promise<void> {
    return this.store.releaseClaims([claimed.delivery.id], this.leaseToken, Date.now())
      .catch((err: unknown) => this.logFailure(claimed, err))
      .finally(() => this.landed(claimed));
  }

  private logFailure(claimed: ClaimedDelivery, err: unknown): void {
    this.logger.error({ err, deliveryId: claimed.delivery.id }, 'delivery failed unexpectedly');
  }

  /** Queues an attempt's settlement and reports it. */
  private record(settlement: Settlement, claimed: ClaimedDelivery): void {
    if (claimed.delivery.orderingKey) this.orderedSettling.add(claimed.delivery.id);
    this.settler.add(settlement);
    this.observer?.attemptFinished(settlement, claimed);
    if (this.logger.isLevelEnabled('debug')) {
      const a = settlement.attempt;
      this.logger.debug(
        { requestId: a.requestId, msgId: a.msgId, endpointId: a.endpointId, deliveryId: a.deliveryId, attempt: a.attempt, status: a.responseStatus, outcome: settlement.outcome.kind, durationMs: a.durationMs },
        'delivery attempt',
      );
    }
  }

  /** A request is over (settled, given back or failed): its room is free for the next claim. */
  private landed(claimed: ClaimedDelivery): void {
    this.occupancy.requests.delete(claimed.delivery.id);
    this.occupancy.leaveEndpoint(claimed.endpoint.id);
    if (this.roomBound) this.wake();
  }

  private async afterSettle(batch: Settlement[]): Promise<void> {
    // The next delivery of an ordered entity becomes claimable only once this one's outcome is
    // committed, which happens after the request's own wake-up: look again now.
    // So does a retry (the first one is due at once), which a finishing request no longer wakes for.
    let wake = false;
    for (const s of batch) wake = this.orderedSettling.delete(s.deliveryId) || s.outcome.kind === 'retry' || wake;
    if (wake) this.wake();
    await this.observer?.settled?.(batch);
  }

  /** Stops claiming, lets in-flight requests finish within the grace period, releases the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.delay.stop();
    await this.running;
    const all = () => Promise.allSettled(this.occupancy.requests.values());
    const graceOver = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.limits.shutdownGraceMs).unref());
    if ((await Promise.race([all().then(() => 'done' as const), graceOver])) === 'timeout') {
      this.logger.warn({ inFlight: this.occupancy.requests.size }, 'shutdown grace period over; releasing in-flight deliveries');
      this.cutOff = true;
      this.deliverer.abortAll();
      await all();
    }
    await this.settler.flush();
  }
}
