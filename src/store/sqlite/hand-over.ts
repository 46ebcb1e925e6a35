import type Database from 'better-sqlite3';
import type { Delivery } from '../../domain/model.js';
import { claimTarget, ENDPOINTS_WITH_APP_SCHEDULE, type ClaimTarget } from '../claim-assembly.js';
import type { FreshDelivery, HandOff } from '../hand-off.js';
import type { Row } from '../rows.js';
import type { SecretCodec } from '../secret-codec.js';
import type { ClaimedDelivery } from '../store.js';
import type { MemoryLeases } from './memory-leases.js';

interface Target {
  row: Row;
  /** Decoded (secrets opened) only when a delivery to it is handed off. */
  decoded: ClaimTarget | null;
}

/**
 * The SQLite side of a hand-off (hand-off.ts): right after a publish has committed, the deliveries
 * it created are leased in memory to the local loop, and given to it with their message and
 * endpoint once the commit is on disk (wal-sync.ts), so the loop does not claim them back. It runs on the same turn of the event loop as
 * the commit (better-sqlite3 is synchronous), so no claim can see them between the two; and the
 * lease is recorded only once the commit is done, as a claim's is: a publish that failed leaves no
 * lease behind. A crash before the send loses nothing, since memory leases die with the process
 * and the delivery is pending and due in the database.
 */
export class SqliteHandOver {
  private endpoints!: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly codec: SecretCodec, private readonly leases: MemoryLeases) {}

  prepare(): void {
    this.endpoints = this.db.prepare(`${ENDPOINTS_WITH_APP_SCHEDULE} WHERE e.id IN (SELECT value FROM json_each(?))`);
  }

  /** Leases what the loop has room for and answers it, to be given to the loop (handOff.deliver) once the commit is durable. */
  lease(fresh: FreshDelivery[], handOff: HandOff): ClaimedDelivery[] {
    const targets = new Map<string, Target>();
    for (const row of this.endpoints.all(JSON.stringify([...new Set(fresh.map((f) => f.endpointId))])) as Row[]) {
      targets.set(row.id as string, { row, decoded: null });
    }
    const claimed: ClaimedDelivery[] = [];
    for (const f of fresh) {
      const target = targets.get(f.endpointId);
      // Rate-limited endpoints spend their tokens in the claim; a disabled one is not delivered to.
      if (!target || target.row.rate_limit !== null || target.row.disabled) continue;
      if (!handOff.reserve(f.endpointId)) continue;
      target.decoded ??= claimTarget(target.row, this.codec);
      // As a claim's lease, from the publish's time: the slowest attempt twice (it may wait behind
      // the endpoint's concurrency), plus the margin.
      const until = f.now + 2 * Number(target.row.timeout_ms) + handOff.leaseMarginMs;
      this.leases.take(f.id, { token: handOff.leaseToken, until, endpointId: f.endpointId, orderingKey: null });
      const m = f.message;
      const delivery: Delivery = {
        id: f.id, msgId: m.id, endpointId: f.endpointId, appId: m.appId, status: 'pending', attempts: 0,
        nextAttemptAt: f.now, createdAt: m.createdAt, updatedAt: m.createdAt, orderingKey: null,
      };
      claimed.push({ delivery, message: m, ...target.decoded });
    }
    return claimed;
  }
}
