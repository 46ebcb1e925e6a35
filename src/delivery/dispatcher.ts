import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimedDelivery, Settlement, Store } from '../store/store.js';
import type { Deliverer } from './deliverer.js';
import { SettleBatcher } from './settle-batcher.js';

/**
 * Pause before looking again at due work that could not be claimed: short next to the second of
 * tokens a rate-limit bucket holds (store/rate-bucket.ts), so no token goes to waste.
 */
const BLOCKED_RECHECK_MS = 20;

/** How long a nearly-full dispatcher waits for more requests to finish before claiming again. */
const COALESCE_MS = 2;
/** Least time between two claims when the previous one did not fill up (see loop). */
const MIN_CLAIM_SPACING_MS = 5;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface DispatcherOptions {
  /** Most deliveries claimed by one statement. */
  batchSize: number;
  /** Most requests in flight in this process, all endpoints together. */
  maxInFlight: number;
  /** Most requests in flight to one endpoint. */
  perEndpointConcurrency: number;
  /** Longest sleep between two looks at the store when nothing woke the dispatcher. */
  pollIntervalMs: number;
  leaseMarginMs: number;
  /** On stop, how long in-flight requests may finish before they are aborted and released. */
  shutdownGraceMs: number;
}

export interface DispatcherObserver {
  /** Each attempt as it finishes (metrics). */
  attemptFinished(settlement: Settlement): void;
  /** Each batch of settlements once committed (failure streaks, operational events). */
  settled?(batch: Settlement[]): Promise<void>;
}

/**
 * Claims due deliveries in batches and sends them concurrently. Claims are leases
 * (see Store.claimDue), so a process that dies mid-flight loses nothing: its deliveries become
 * due again. The loop never dies on an error; it reports it and tries again after a poll interval.
 */
export class Dispatcher {
  private readonly leaseToken = randomUUID();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly inFlightByEndpoint: Record<string, number> = {};
  private readonly settler: SettleBatcher;
  private running: Promise<void> | null = null;
  private stopping = false;
  /** The stop's grace period ran out and in-flight requests were cut off: give them back. */
  private cutOff = false;
  private wakeRequested = false;
  private wakeUp: (() => void) | null = null;
  private lastPartialClaimAt = 0;
  /** Claims smaller than this wait briefly for more room (see loop). */
  private readonly minClaim: number;
  /** Ordered deliveries (ordering key) finished but not yet settled. */
  private readonly orderedSettling = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
    private readonly deliverer: Deliverer,
    private readonly logger: Logger,
    private readonly observer?: DispatcherObserver,
  ) {
    this.settler = new SettleBatcher(store, logger, undefined, (batch) => this.afterSettle(batch));
    this.minClaim = Math.max(1, Math.floor(Math.min(options.batchSize, options.maxInFlight) / 8));
  }

  start(): void {
    if (!this.running) this.running = this.loop();
  }

  /** New work may be due (a publish, a finished request): look now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        // Claiming is a write transaction: one claim per finished request would cost more than the
        // requests themselves. While the dispatcher is nearly full, let a few completions gather first.
        if (this.inFlight.size > 0 && this.options.maxInFlight - this.inFlight.size < this.minClaim) {
          await delay(COALESCE_MS);
        }
        // Under a steady trickle every publish and every finished request wakes the loop; claiming
        // for each would spend the process on claims (measured: ~30 % of CPU at 1,000 messages/s).
        // Spacing claims that came back partial by a few milliseconds lets each one take all that
        // became due meanwhile, for at most MIN_CLAIM_SPACING_MS of added latency.
        const sinceLast = Date.now() - this.lastPartialClaimAt;
        if (sinceLast < MIN_CLAIM_SPACING_MS) await delay(MIN_CLAIM_SPACING_MS - sinceLast);
        const room = this.options.maxInFlight - this.inFlight.size;
        const limit = Math.min(room, this.options.batchSize);
        this.wakeRequested = false;
        const claimed = limit > 0 ? await this.claim(limit) : [];
        for (const c of claimed) this.launch(c);
        if (limit > 0 && claimed.length === limit) continue;
        this.lastPartialClaimAt = Date.now();
        await this.sleep(limit > 0 ? await this.idleDelay(claimed.length === 0) : this.options.pollIntervalMs);
      } catch (err) {
        this.logger.error({ err }, 'dispatcher loop error; retrying');
        await this.sleep(this.options.pollIntervalMs);
      }
    }
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    return this.store.claimDue({
      now: Date.now(),
      limit,
      leaseMarginMs: this.options.leaseMarginMs,
      perEndpointLimit: this.options.perEndpointConcurrency,
      inFlightByEndpoint: this.inFlightByEndpoint,
      leaseToken: this.leaseToken,
    });
  }

  /**
   * Until the next delivery falls due. When a claim found nothing although work is due, that work
   * is held back by an endpoint's concurrency or rate limit (or another worker holds it): look
   * again after a short pause, or sooner when a finishing request wakes the loop, rather than
   * spinning on the store.
   */
  private async idleDelay(claimedNothing: boolean): Promise<number> {
    const next = await this.store.nextDueAt();
    if (next === null) return this.options.pollIntervalMs;
    const delay = Math.max(0, Math.min(next - Date.now(), this.options.pollIntervalMs));
    return claimedNothing && delay === 0 ? Math.min(BLOCKED_RECHECK_MS, this.options.pollIntervalMs) : delay;
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private launch(claimed: ClaimedDelivery): void {
    const endpointId = claimed.endpoint.id;
    this.inFlightByEndpoint[endpointId] = (this.inFlightByEndpoint[endpointId] ?? 0) + 1;
    // One reaction per delivery rather than a then/catch/finally chain: at thousands of
    // deliveries a second, each promise hop is a measurable share of the main thread.
    const done = this.deliverer.deliver(claimed).then(
      (result): Promise<void> | void => {
        if (this.cutOff) {
          // Cut off by shutdown, not by the receiver: give the delivery back untouched.
          return this.store.releaseClaims([claimed.delivery.id], this.leaseToken, Date.now())
            .catch((err: unknown) => this.logFailure(claimed, err))
            .finally(() => this.landed(claimed));
        }
        try {
          this.record({ ...result, leaseToken: this.leaseToken }, claimed);
        } catch (err) {
          this.logFailure(claimed, err);
        }
        this.landed(claimed);
      },
      (err: unknown) => {
        this.logFailure(claimed, err);
        this.landed(claimed);
      },
    );
    this.inFlight.set(claimed.delivery.id, done);
  }

  private logFailure(claimed: ClaimedDelivery, err: unknown): void {
    this.logger.error({ err, deliveryId: claimed.delivery.id }, 'delivery failed unexpectedly');
  }

  /** Queues an attempt's settlement and reports it. */
  private record(settlement: Settlement, claimed: ClaimedDelivery): void {
    if (claimed.delivery.orderingKey) this.orderedSettling.add(claimed.delivery.id);
    this.settler.add(settlement);
    this.observer?.attemptFinished(settlement);
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
    const endpointId = claimed.endpoint.id;
    this.inFlight.delete(claimed.delivery.id);
    const left = (this.inFlightByEndpoint[endpointId] ?? 1) - 1;
    if (left <= 0) delete this.inFlightByEndpoint[endpointId];
    else this.inFlightByEndpoint[endpointId] = left;
    this.wake();
  }

  private async afterSettle(batch: Settlement[]): Promise<void> {
    // The next delivery of an ordered entity becomes claimable only once this one's outcome is
    // committed, which happens after the request's own wake-up: look again now.
    let ordered = false;
    for (const s of batch) ordered = this.orderedSettling.delete(s.deliveryId) || ordered;
    if (ordered) this.wake();
    await this.observer?.settled?.(batch);
  }

  /** Stops claiming, lets in-flight requests finish within the grace period, releases the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
    const all = () => Promise.allSettled(this.inFlight.values());
    const graceOver = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.options.shutdownGraceMs).unref());
    if ((await Promise.race([all().then(() => 'done' as const), graceOver])) === 'timeout') {
      this.logger.warn({ inFlight: this.inFlight.size }, 'shutdown grace period over; releasing in-flight deliveries');
      this.cutOff = true;
      this.deliverer.abortAll();
      await all();
    }
    await this.settler.flush();
  }
}
