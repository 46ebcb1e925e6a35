import type { ClaimedDelivery } from '../store/store.js';
import type { LoopRoom } from './hand-off-session.js';
import type { PacingLimits } from './loop-pacing.js';

/**
 * What the delivery loop has in flight, and the room it keeps for publishes' hand-offs
 * (hand-off-session.ts), counted alike against its limits: a delivery a publish is about to hand
 * over takes its place before it is sent, so neither a claim nor another publish can take it.
 */
export class InFlightRoom {
  /** Each request in flight by delivery id: its promise settles once the request is over. */
  readonly requests = new Map<string, Promise<void>>();
  /** Requests in flight and room kept, per endpoint: what a claim is told the loop is busy with. */
  readonly byEndpoint: Record<string, number> = {};
  /** Room kept for hand-offs that have not handed over yet. */
  private held = 0;

  constructor(private readonly limits: Pick<PacingLimits, 'maxInFlight'> & { perEndpointConcurrency: number }) {}

  /** Requests in flight plus room kept: what the in-flight cap is measured against. */
  get occupied(): number {
    return this.requests.size + this.held;
  }

  /** Keeps room for one delivery to this endpoint if the in-flight cap and its concurrency allow. */
  tryHold(endpointId: string): boolean {
    if (this.occupied >= this.limits.maxInFlight) return false;
    const busy = this.byEndpoint[endpointId] ?? 0;
    if (busy >= this.limits.perEndpointConcurrency) return false;
    this.byEndpoint[endpointId] = busy + 1;
    this.held++;
    return true;
  }

  /** Gives back room kept by tryHold. */
  release(endpointId: string): void {
    this.held--;
    this.leaveEndpoint(endpointId);
  }

  /** This room as hand-offs see it: `accepting` says whether the loop takes deliveries now, `launch` sends one. */
  loopRoom(accepting: () => boolean, launch: (claimed: ClaimedDelivery) => void): LoopRoom {
    return {
      tryHold: (endpointId) => accepting() && this.tryHold(endpointId),
      release: (endpointId) => this.release(endpointId),
      launch,
    };
  }

  enterEndpoint(endpointId: string): void {
    this.byEndpoint[endpointId] = (this.byEndpoint[endpointId] ?? 0) + 1;
  }

  leaveEndpoint(endpointId: string): void {
    const left = (this.byEndpoint[endpointId] ?? 1) - 1;
    if (left <= 0) delete this.byEndpoint[endpointId];
    else this.byEndpoint[endpointId] = left;
  }
}
