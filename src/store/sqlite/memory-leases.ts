/** One claimed delivery: who holds it, until when, and what it would hold back. */
export interface MemoryLease {
  token: string;
  until: number;
  endpointId: string;
  /** The delivery's ordering key: while this lease lives, no other delivery of the key is claimed. */
  orderingKey: string | null;
}

/** How often, at most, leases that ran out without being settled are forgotten. */
const SWEEP_EVERY_MS = 1000;

/**
 * The SQLite store's claims, kept in memory rather than written to the database.
 *
 * A SQLite database is served by one process (StoreCapabilities.singleProcess), so a lease has
 * nobody else to tell; and a restart already makes every claimed delivery due again
 * (releaseAllLeases at start-up). Writing each claim to the database cost one UPDATE and one
 * commit of its index pages per delivery, for nothing a crash could use. The semantics stay those
 * of the store contract: a lease lives until `until`, an expired one may be claimed again, and only
 * the current holder's token settles or releases.
 */
export class MemoryLeases {
  private readonly byDelivery = new Map<string, MemoryLease>();
  private readonly perEndpoint = new Map<string, Set<string>>();
  /** Leases on deliveries with an ordering key: while there are none, keyHeld has nothing to look at. */
  private ordered = 0;
  private lastSweep = 0;

  get size(): number {
    return this.byDelivery.size;
  }

  /** The deliveries of an endpoint under a live lease: in flight, not to be claimed again. */
  liveOn(endpointId: string, now: number): string[] {
    const ids: string[] = [];
    for (const id of this.perEndpoint.get(endpointId) ?? []) if (this.byDelivery.get(id)!.until > now) ids.push(id);
    return ids;
  }

  isLive(deliveryId: string, now: number): boolean {
    const lease = this.byDelivery.get(deliveryId);
    return lease !== undefined && lease.until > now;
  }

  /** Another delivery of the same endpoint and ordering key is in flight under a live lease. */
  keyHeld(endpointId: string, orderingKey: string, exceptId: string, now: number): boolean {
    if (this.ordered === 0) return false;
    for (const [id, lease] of this.byDelivery) {
      if (id !== exceptId && lease.orderingKey === orderingKey && lease.endpointId === endpointId && lease.until > now) return true;
    }
    return false;
  }

  take(deliveryId: string, lease: MemoryLease): void {
    this.forget(deliveryId);
    this.byDelivery.set(deliveryId, lease);
    if (lease.orderingKey !== null) this.ordered++;
    let ids = this.perEndpoint.get(lease.endpointId);
    if (!ids) this.perEndpoint.set(lease.endpointId, (ids = new Set()));
    ids.add(deliveryId);
  }

  /** Whether `token` holds the delivery (expired or not, as long as nobody took it over). */
  heldBy(deliveryId: string, token: string): boolean {
    return this.byDelivery.get(deliveryId)?.token === token;
  }

  forget(deliveryId: string): void {
    const lease = this.byDelivery.get(deliveryId);
    if (!lease) return;
    this.byDelivery.delete(deliveryId);
    if (lease.orderingKey !== null) this.ordered--;
    const ids = this.perEndpoint.get(lease.endpointId)!;
    ids.delete(deliveryId);
    if (ids.size === 0) this.perEndpoint.delete(lease.endpointId);
  }

  /** Forgets every lease; returns how many there were. */
  clear(): number {
    const count = this.byDelivery.size;
    this.byDelivery.clear();
    this.perEndpoint.clear();
    this.ordered = 0;
    return count;
  }

  /** The earliest time a live lease runs out, or null. */
  earliestExpiry(now: number): number | null {
    let earliest: number | null = null;
    for (const lease of this.byDelivery.values()) {
      if (lease.until > now && (earliest === null || lease.until < earliest)) earliest = lease.until;
    }
    return earliest;
  }

  /**
   * Drops leases that ran out long ago without a settle (their request was lost with a crashed
   * delivery thread, or their delivery was deleted), at most once a second: a lease whose delivery
   * is claimed again is replaced anyway, so this only keeps the map from keeping strays.
   */
  sweep(now: number, graceMs: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, lease] of this.byDelivery) if (lease.until + graceMs < now) this.forget(id);
  }
}
