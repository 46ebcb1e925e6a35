import type Database from 'better-sqlite3';
import { notBehindEarlier, readyWhenDue } from '../ordered-turn.js';
import { availableTokens } from '../rate-bucket.js';
import type { ClaimRequest, ClaimedDelivery, Settlement } from '../store.js';
import { MemoryLeases } from './memory-leases.js';
import {
  ATTEMPT_COLUMNS, DELIVERY_COLUMNS, MESSAGE_COLUMNS, attemptValues, deliveryFromValues, messageFromValues,
  type Row,
} from '../rows.js';
import { assembleClaim, ENDPOINTS_WITH_APP_SCHEDULE } from '../claim-assembly.js';
import type { SecretCodec } from '../secret-codec.js';

/** Where the claim's raw delivery rows (dueOfEndpoint) hold what it reads by name. */
const CLAIM_ROW = {
  id: DELIVERY_COLUMNS.indexOf('id'),
  orderingKey: DELIVERY_COLUMNS.indexOf('ordering_key'),
  timeoutMs: DELIVERY_COLUMNS.length,
};

/** A lease this long past its end without a settle is forgotten (see MemoryLeases.sweep). */
const STRAY_LEASE_GRACE_MS = 10 * 60_000;

// The dispatcher's hot path: claim, settle, release. Statements are prepared once after
// migrations, and each call is one transaction however many rows it touches. Claims are leases
// held in memory (memory-leases.ts): a claim only reads, and a settle is the one write per attempt.
export class SqliteDispatchQueries {
  private s!: ReturnType<SqliteDispatchQueries['build']>;
  /** Also taken by a publish's hand-off (hand-over.ts). */
  readonly leases = new MemoryLeases();

  constructor(private readonly db: Database.Database, private readonly codec: SecretCodec) {}

  prepare(): void {
    this.s = this.build();
  }

  private build() {
    const db = this.db;
    return {
      // Endpoints with pending deliveries and the earliest next_attempt_at of each, found by
      // stepping through deliveries_endpoint_due one endpoint at a time (a skip scan): the cost is
      // a few index probes per endpoint with pending work, whatever the size of its backlog.
      dueEndpoints: db.prepare(
        `WITH RECURSIVE ep(id) AS (
           SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending'
           UNION ALL
           SELECT (SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending' AND endpoint_id > ep.id)
           FROM ep WHERE ep.id IS NOT NULL
         )
         SELECT id, due_at FROM (
           SELECT ep.id, (SELECT MIN(next_attempt_at) FROM deliveries
                          WHERE status = 'pending' AND endpoint_id = ep.id) AS due_at
           FROM ep JOIN endpoints e ON e.id = ep.id AND e.disabled = 0
         ) WHERE due_at <= @now
         ORDER BY due_at`,
      ),
      // One endpoint's earliest due deliveries, as many as it has room for, past those it has in
      // flight (still pending here: the leases are in memory, and their ids come as a JSON array).
      // For ordered endpoints, only the first pending delivery of each key (ordered-turn.ts).
      // Raw rows (arrays): DELIVERY_COLUMNS, then the endpoint's timeout (see CLAIM_ROW).
      dueOfEndpoint: db.prepare(
        `SELECT ${DELIVERY_COLUMNS.map((c) => `d.${c}`).join(', ')}, e.timeout_ms FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
         WHERE d.endpoint_id = @endpointId AND d.status = 'pending' AND d.next_attempt_at <= @now
           AND d.id NOT IN (SELECT value FROM json_each(@inFlight))
           AND ${notBehindEarlier('d')}
         ORDER BY d.next_attempt_at LIMIT @room`,
      ).raw(),
      // Prepared once: db.pragma() would compile the statement again on every claim and settle.
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
      // Rate-limited endpoints and their token buckets (see rate-bucket.ts); few endpoints have a limit.
      rateLimited: db.prepare(
        `SELECT e.id, e.rate_limit, g.tokens, g.refilled_at FROM endpoints e
         LEFT JOIN endpoint_gates g ON g.endpoint_id = e.id
         WHERE e.rate_limit IS NOT NULL AND e.disabled = 0`,
      ),
      spendTokens: db.prepare(
        `INSERT INTO endpoint_gates (endpoint_id, tokens, refilled_at) VALUES (?, ?, ?)
         ON CONFLICT (endpoint_id) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at`,
      ),
      messages: db.prepare(`SELECT ${MESSAGE_COLUMNS.join(', ')} FROM messages WHERE id IN (SELECT value FROM json_each(?))`).raw(),
      endpoints: db.prepare(`${ENDPOINTS_WITH_APP_SCHEDULE} WHERE e.id IN (SELECT value FROM json_each(?))`),
      // An attempt whose delivery was deleted meanwhile (its endpoint or app removed while the
      // request was in flight) is dropped rather than failing the whole batch on a foreign key,
      // which would leave every other delivery in the batch leased and sent again (as in PostgreSQL).
      // The guard is the settle UPDATE's row count, or this probe for a lease lost to another claim;
      // then a plain one-row INSERT. One `INSERT … SELECT … WHERE EXISTS` did the same, but SQLite
      // runs it with a statement journal: 12 µs per attempt against 8 (store cycle).
      deliveryExists: db.prepare('SELECT 1 FROM deliveries WHERE id = ?').pluck(),
      // Bound by position: the attempt's values (attemptValues).
      insertAttempt: db.prepare(
        `INSERT INTO attempts (${ATTEMPT_COLUMNS.join(', ')}) VALUES (${ATTEMPT_COLUMNS.map(() => '?').join(', ')})`,
      ),
      // Run only for the lease's holder (see settle): a worker that lost its lease must not
      // overwrite the outcome of the one that took over; its attempt is still recorded.
      settle: db.prepare(
        'UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, updated_at = ? WHERE id = ?',
      ),
      disableEndpoint: db.prepare('UPDATE endpoints SET disabled = 1, updated_at = ? WHERE id = ?'),
      // Leases written to the database by Herald versions that kept them there.
      releaseAll: db.prepare(
        `UPDATE deliveries SET next_attempt_at = ?, lease_token = NULL
         WHERE status = 'pending' AND lease_token IS NOT NULL`,
      ),
      pendingCount: db.prepare(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending'`).pluck(),
      // The earliest pending deliveries that wait only on time, as many as asked: those in flight
      // are among them and skipped by the caller. Deliveries held on purpose (disabled endpoint,
      // behind an earlier one of their entity) are not due: see readyWhenDue.
      earliestReady: db.prepare(
        `SELECT d.id, d.next_attempt_at FROM deliveries d WHERE d.status = 'pending' AND ${readyWhenDue('d')}
         ORDER BY d.next_attempt_at LIMIT ?`,
      ),
    };
  }

  /**
   * Visits the endpoints with due work, oldest due first, and takes from each its earliest due
   * deliveries up to the room it has (concurrency left, whole rate-limit tokens), until the batch is
   * full. An endpoint at its limit is skipped without reading its backlog, so one slow endpoint
   * with a deep queue costs the claim nothing.
   */
  claimDue(req: ClaimRequest): ClaimedDelivery[] {
    this.leases.sweep(req.now, STRAY_LEASE_GRACE_MS);
    const claim = this.db.transaction(() => {
      // Whole tokens per rate-limited endpoint (see rate-bucket.ts); few endpoints have a limit.
      const tokens = new Map<string, number>();
      const refilledAt = new Map<string, number>();
      for (const g of this.s.rateLimited.all() as any[]) {
        const bucket = g.tokens === null ? null : { tokens: g.tokens, refilledAt: g.refilled_at };
        refilledAt.set(g.id, Math.max(req.now, g.refilled_at ?? 0)); // never back in time
        tokens.set(g.id, availableTokens(g.rate_limit, bucket, req.now));
      }
      const rows: unknown[][] = [];
      for (const { id } of this.s.dueEndpoints.all({ now: req.now }) as Array<{ id: string }>) {
        const remaining = req.limit - rows.length;
        if (remaining <= 0) break;
        const limit = tokens.has(id) ? req.perEndpointLimit - (req.perEndpointQueue ?? 0) : req.perEndpointLimit;
        const concurrencyRoom = limit - (req.inFlightByEndpoint[id] ?? 0);
        const room = Math.min(remaining, concurrencyRoom, Math.floor(tokens.get(id) ?? Infinity));
        if (room <= 0) continue;
        const inFlight = JSON.stringify(this.leases.liveOn(id, req.now));
        let taken = 0;
        for (const row of this.s.dueOfEndpoint.all({ endpointId: id, now: req.now, room, inFlight }) as unknown[][]) {
          const orderingKey = row[CLAIM_ROW.orderingKey] as string | null;
          if (orderingKey !== null && this.leases.keyHeld(id, orderingKey, row[CLAIM_ROW.id] as string, req.now)) continue;
          rows.push(row);
          taken++;
        }
        if (taken > 0 && tokens.has(id)) this.s.spendTokens.run(id, tokens.get(id)! - taken, refilledAt.get(id));
      }
      return rows;
    });
    const rows = this.relaxed(() => claim.immediate());
    const deliveries = rows.map(deliveryFromValues);
    for (let i = 0; i < rows.length; i++) {
      const d = deliveries[i]!;
      // A claim outlives the slowest possible attempt (timeout) plus a margin, and one more
      // timeout because a claimed delivery may wait behind its endpoint's concurrency limit.
      const until = req.now + 2 * Number(rows[i]![CLAIM_ROW.timeoutMs]) + req.leaseMarginMs;
      this.leases.take(d.id, { token: req.leaseToken, until, endpointId: d.endpointId, orderingKey: d.orderingKey ?? null });
    }
    if (rows.length === 0) return [];
    const messages = (this.s.messages.all(JSON.stringify([...new Set(deliveries.map((d) => d.msgId))])) as unknown[][]).map(messageFromValues);
    const endpointRows = this.s.endpoints.all(JSON.stringify([...new Set(deliveries.map((d) => d.endpointId))])) as Row[];
    return assembleClaim(deliveries, messages, endpointRows, this.codec);
  }

  settle(settlements: Settlement[]): void {
    if (settlements.length === 0) return;
    const settled: string[] = [];
    const run = this.db.transaction(() => {
      for (const st of settlements) {
        const o = st.outcome;
        const updatedAt = new Date(st.now).toISOString();
        let exists: boolean;
        if (this.leases.heldBy(st.deliveryId, st.leaseToken)) {
          const status = o.kind === 'retry' ? 'pending' : o.kind;
          exists = this.s.settle.run(status, o.kind === 'retry' ? o.nextAttemptAt : st.now, updatedAt, st.deliveryId).changes > 0;
          settled.push(st.deliveryId);
        } else {
          exists = this.s.deliveryExists.get(st.deliveryId) !== undefined;
        }
        if (exists) this.s.insertAttempt.run(...attemptValues(st.attempt));
        if (o.kind === 'failed' && o.disableEndpoint) this.s.disableEndpoint.run(updatedAt, st.attempt.endpointId);
      }
    });
    this.relaxed(() => run.immediate());
    // Only once committed: had the write failed, the deliveries would still be leased.
    for (const id of settled) this.leases.forget(id);
  }

  /**
   * Claims and settlements commit without their own fsync (synchronous=NORMAL; WAL keeps them
   * atomic and crash-consistent). Losing the last of them to a power cut only means a delivery is
   * attempted again, which at-least-once allows. Publishes commit this way too, but are acknowledged
   * only once the WAL is flushed (wal-sync.ts), so an acknowledged message is never lost; that flush,
   * or the next FULL commit, makes these durable too.
   */
  relaxed<T>(fn: () => T): T {
    this.s.syncNormal.run();
    try {
      return fn();
    } finally {
      this.s.syncFull.run();
    }
  }

  /** A released delivery is due again at once: its next_attempt_at is still the one it was claimed at. */
  releaseClaims(ids: string[], token: string): void {
    for (const id of ids) if (this.leases.heldBy(id, token)) this.leases.forget(id);
  }

  releaseAllLeases(now: number): number {
    return this.leases.clear() + this.s.releaseAll.run(now).changes;
  }

  /**
   * Leased or not (see BacklogStats): a lease here is in memory and leaves next_attempt_at at the
   * time the delivery fell due, so a delivery in flight for too long, or claimed again and again
   * without ever being sent, keeps ageing instead of reading as no lag at all.
   */
  backlogStats(now: number): { pending: number; oldestDueAt: number | null } {
    const first = (this.s.earliestReady.all(1) as Array<{ next_attempt_at: number }>)[0];
    const oldest = first ? Number(first.next_attempt_at) : null;
    return { pending: Number(this.s.pendingCount.get()), oldestDueAt: oldest !== null && oldest <= now ? oldest : null };
  }

  /** The earliest due time of a delivery not in flight, or the end of the first lease to run out. */
  nextDueAt(now = Date.now()): number | null {
    const waiting = this.earliestUnleased(now);
    const expiry = this.leases.earliestExpiry(now);
    if (waiting === null || expiry === null) return waiting ?? expiry;
    return Math.min(waiting, expiry);
  }

  private earliestUnleased(now: number): number | null {
    const rows = this.s.earliestReady.all(this.leases.size + 1) as Array<{ id: string; next_attempt_at: number }>;
    const first = rows.find((r) => !this.leases.isLive(r.id, now));
    return first ? Number(first.next_attempt_at) : null;
  }
}
