/**
 * When the delivery loop (delivery-loop.ts) looks at the store, as one pure function of what it
 * knows, so that its pacing can be read and tested apart from the timers that carry it out.
 */

/**
 * Pause before looking again at due work that could not be claimed: short next to the second of
 * tokens a rate-limit bucket holds (store/rate-bucket.ts), so no token goes to waste.
 */
export const BLOCKED_RECHECK_MS = 20;
/** How long a nearly-full loop waits for more requests to finish before claiming again. */
export const COALESCE_MS = 2;
/** Least time between two claims when the previous one did not fill up. */
export const MIN_CLAIM_SPACING_MS = 5;

export interface PacingLimits {
  /** Most deliveries claimed by one statement. */
  batchSize: number;
  /** Most requests in flight in this process, all endpoints together. */
  maxInFlight: number;
  /** Longest pause between two looks at the store when nothing woke the loop. */
  pollIntervalMs: number;
}

/** Where the loop stands when it asks how long to pause. */
export type PacingMoment =
  /** About to claim. `lastPartialClaimAt`: when the last claim that did not fill up was made (0: never). */
  | { phase: 'before-claim'; now: number; inFlight: number; lastPartialClaimAt: number }
  /**
   * Just claimed `claimed` of at most `limit` deliveries. `nextDueAt`: the store's earliest due
   * delivery, asked only when the claim came back partial with room to spare (null: none, or not asked).
   */
  | { phase: 'after-claim'; now: number; limit: number; claimed: number; nextDueAt: number | null }
  /** The last look at the store failed. */
  | { phase: 'after-error' };

/** How many deliveries the next claim may take: the room left, at most a batch. */
export function claimLimit(inFlight: number, limits: PacingLimits): number {
  return Math.max(0, Math.min(limits.maxInFlight - inFlight, limits.batchSize));
}

/** Claims smaller than this wait briefly for more room. */
export function minClaim(limits: PacingLimits): number {
  return Math.max(1, Math.floor(Math.min(limits.batchSize, limits.maxInFlight) / 8));
}

/**
 * How many milliseconds to pause now; 0 after a full claim means "claim again at once". A pause
 * before a claim is not cut short by a wake-up (that is its point); one after a claim or an error
 * is, since new work or a finished request is what it waits for.
 */
export function pauseMs(moment: PacingMoment, limits: PacingLimits): number {
  switch (moment.phase) {
    case 'before-claim': {
      // Claiming is a write transaction: one claim per finished request would cost more than the
      // requests themselves. While the loop is nearly full, let a few completions gather first.
      const nearlyFull = moment.inFlight > 0 && limits.maxInFlight - moment.inFlight < minClaim(limits);
      // Under a steady trickle every publish and every finished request wakes the loop; claiming
      // for each would spend the process on claims (measured: ~30 % of CPU at 1,000 messages/s).
      // Spacing claims that came back partial by a few milliseconds lets each one take all that
      // became due meanwhile, for at most MIN_CLAIM_SPACING_MS of added latency.
      const spacing = MIN_CLAIM_SPACING_MS - (moment.now - moment.lastPartialClaimAt);
      return Math.max(nearlyFull ? COALESCE_MS : 0, spacing, 0);
    }
    case 'after-claim': {
      // No room: a finishing request wakes the loop; the poll interval is only a backstop.
      if (moment.limit <= 0) return limits.pollIntervalMs;
      if (moment.claimed >= moment.limit) return 0;
      if (moment.nextDueAt === null) return limits.pollIntervalMs;
      const untilDue = Math.max(0, Math.min(moment.nextDueAt - moment.now, limits.pollIntervalMs));
      // A claim that found nothing although work is due: that work is held back by an endpoint's
      // concurrency or rate limit (or another process holds it). Look again after a short pause, or
      // sooner when a finishing request wakes the loop, rather than spinning on the store.
      return moment.claimed === 0 && untilDue === 0 ? Math.min(BLOCKED_RECHECK_MS, limits.pollIntervalMs) : untilDue;
    }
    case 'after-error':
      return limits.pollIntervalMs;
  }
}
