import type { Message } from '../domain/model.js';
import type { ClaimedDelivery } from './store.js';

/**
 * The local delivery loop's offer to a publish: take the deliveries it creates straight from the
 * publish, leased to the loop, instead of having the loop claim them back from the database
 * (issue #21). Claims are then only for retries, leases that ran out and other processes' work.
 *
 * A store leases to the loop only deliveries the claim would hand out at once and nothing else
 * governs: to an enabled endpoint without a rate limit (its token bucket is the claim's to spend),
 * without an ordering key (its turn is the claim's to judge), and only as far as `reserve` says the
 * loop has room. Everything else stays due for the claim, as before. The lease is the claim's own
 * (its token, 2 × the endpoint's timeout + the margin), so a process that dies before sending loses
 * nothing: the delivery becomes due again when the lease runs out, or at once at the next start
 * of a single-process store (releaseAllLeases).
 */
export interface HandOff {
  readonly leaseToken: string;
  readonly leaseMarginMs: number;
  /**
   * The per-endpoint concurrency. A store shared by several processes also counts the others' live
   * leases against it, as its claim does; the loop's own room is what `reserve` answers.
   */
  readonly perEndpointLimit: number;
  /** Whether the loop has room for one more delivery to this endpoint now; true keeps that room for it. */
  reserve(endpointId: string): boolean;
  /** Once the publish has committed: the deliveries leased to the loop, to send now. */
  deliver(claimed: ClaimedDelivery[]): void;
}

/** A delivery a publish just created that may be handed off: not to a named endpoint, no ordering key. */
export interface FreshDelivery {
  id: string;
  endpointId: string;
  message: Message;
  now: number;
}
