import type { HandOff } from '../store/hand-off.js';
import type { ClaimedDelivery } from '../store/store.js';

/** The delivery loop's side of a hand-off: room it keeps for a publish, and how it sends. */
export interface LoopRoom {
  /** Keeps room for one delivery to this endpoint if the loop has it (in-flight cap, endpoint concurrency). */
  tryHold(endpointId: string): boolean;
  /** Gives back room kept by tryHold. */
  release(endpointId: string): void;
  /** Sends a delivery leased to the loop, as if it had claimed it. */
  launch(claimed: ClaimedDelivery): void;
}

/**
 * One publish's hand-off to the local delivery loop (store/hand-off.ts). The publisher opens it
 * before the publish and closes it after, committed or not: close gives back the room kept for
 * deliveries that were not handed over (the transaction failed, or the store kept them for the claim).
 */
export class HandOffSession implements HandOff {
  /** Deliveries handed over and sent. */
  taken = 0;
  private readonly held = new Map<string, number>();

  constructor(readonly leaseToken: string, readonly leaseMarginMs: number, readonly perEndpointLimit: number, private readonly room: LoopRoom) {}

  reserve(endpointId: string): boolean {
    if (!this.room.tryHold(endpointId)) return false;
    this.held.set(endpointId, (this.held.get(endpointId) ?? 0) + 1);
    return true;
  }

  deliver(claimed: ClaimedDelivery[]): void {
    for (const c of claimed) {
      const id = c.endpoint.id;
      const held = this.held.get(id) ?? 0;
      // Only what was reserved: a store that handed over more would break the loop's limits.
      if (held === 0) throw new Error(`hand-off of a delivery to ${id} without room kept for it`);
      if (held === 1) this.held.delete(id);
      else this.held.set(id, held - 1);
      this.room.release(id);
      this.room.launch(c);
      this.taken++;
    }
  }

  close(): void {
    for (const [id, count] of this.held) for (let i = 0; i < count; i++) this.room.release(id);
    this.held.clear();
  }
}
