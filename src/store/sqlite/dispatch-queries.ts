import type Database from 'better-sqlite3';
import type { Attempt } from '../../domain/model.js';
import { toPage } from '../paginate.js';
import { statement } from './statement-cache.js';
import { orderedTurn, readyWhenDue } from '../ordered-turn.js';
import { availableTokens } from '../rate-bucket.js';
import type { AttemptQuery, ClaimRequest, ClaimedDelivery, Page, Settlement } from '../store.js';
import {
  attemptToRow, rowToAttempt, rowToDelivery, rowToEndpoint, rowToMessage, type SecretCodec,
} from './row-mappers.js';

// The dispatcher's hot path: claim, settle, release. Statements are prepared once after
// migrations, and each call is one transaction however many rows it touches.
export class SqliteDispatchQueries {
  private s!: ReturnType<SqliteDispatchQueries['build']>;

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
      // One endpoint's earliest due deliveries, as many as it has room for.
      dueOfEndpoint: db.prepare(
        `SELECT d.*, e.timeout_ms AS ep_timeout_ms FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
         WHERE d.endpoint_id = @endpointId AND d.status = 'pending' AND d.next_attempt_at <= @now
           AND ${orderedTurn('d', '@now')}
         ORDER BY d.next_attempt_at LIMIT @room`,
      ),
      // Prepared once: db.pragma() would compile the statement again on every claim and settle.
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
      lease: db.prepare('UPDATE deliveries SET next_attempt_at = ?, lease_token = ? WHERE id = ?'),
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
      messages: db.prepare('SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))'),
      endpoints: db.prepare(
        `SELECT e.*, a.retry_schedule AS app_retry_schedule FROM endpoints e JOIN apps a ON a.id = e.app_id
         WHERE e.id IN (SELECT value FROM json_each(?))`,
      ),
      // An attempt whose delivery was deleted meanwhile (its endpoint or app removed while the
      // request was in flight) is dropped rather than failing the whole batch on a foreign key,
      // which would leave every other delivery in the batch leased and sent again (as in PostgreSQL).
      insertAttempt: db.prepare(
        `INSERT INTO attempts (id, delivery_id, msg_id, endpoint_id, app_id, attempt, status, response_status,
           duration_ms, created_at, request, response, error, request_id)
         SELECT @id, @delivery_id, @msg_id, @endpoint_id, @app_id, @attempt, @status, @response_status,
           @duration_ms, @created_at, @request, @response, @error, @request_id
         WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = @delivery_id)`,
      ),
      // The lease token guards against a worker that lost its lease overwriting the outcome
      // of the one that took over; its attempt is still recorded.
      settle: db.prepare(
        `UPDATE deliveries SET status = @status, attempts = attempts + 1, next_attempt_at = @next,
           lease_token = NULL, updated_at = @updated_at
         WHERE id = @id AND lease_token = @token`,
      ),
      disableEndpoint: db.prepare('UPDATE endpoints SET disabled = 1, updated_at = ? WHERE id = ?'),
      release: db.prepare(
        'UPDATE deliveries SET next_attempt_at = ?, lease_token = NULL WHERE id = ? AND lease_token = ?',
      ),
      releaseAll: db.prepare(
        `UPDATE deliveries SET next_attempt_at = ?, lease_token = NULL
         WHERE status = 'pending' AND lease_token IS NOT NULL`,
      ),
      backlog: db.prepare(
        `SELECT COUNT(*) AS pending,
           MIN(CASE WHEN d.next_attempt_at <= @now AND d.lease_token IS NULL AND ${readyWhenDue('d')}
             THEN d.next_attempt_at END) AS oldest
         FROM deliveries d WHERE d.status = 'pending'`,
      ),
      // Deliveries held on purpose (disabled endpoint, behind an earlier one of their entity) are
      // not due: see readyWhenDue.
      nextDue: db.prepare(
        `SELECT d.next_attempt_at FROM deliveries d WHERE d.status = 'pending' AND ${readyWhenDue('d')}
         ORDER BY d.next_attempt_at LIMIT 1`,
      ).pluck(),
    };
  }

  /**
   * Visits the endpoints with due work, oldest due first, and takes from each its earliest due
   * deliveries up to the room it has (concurrency left, whole rate-limit tokens), until the batch is
   * full. An endpoint at its limit is skipped without reading its backlog, so one slow endpoint
   * with a deep queue costs the claim nothing.
   */
  claimDue(req: ClaimRequest): ClaimedDelivery[] {
    const claim = this.db.transaction(() => {
      // Whole tokens per rate-limited endpoint (see rate-bucket.ts); few endpoints have a limit.
      const tokens = new Map<string, number>();
      const refilledAt = new Map<string, number>();
      for (const g of this.s.rateLimited.all() as any[]) {
        const bucket = g.tokens === null ? null : { tokens: g.tokens, refilledAt: g.refilled_at };
        refilledAt.set(g.id, Math.max(req.now, g.refilled_at ?? 0)); // never back in time
        tokens.set(g.id, availableTokens(g.rate_limit, bucket, req.now));
      }
      const rows: any[] = [];
      for (const { id } of this.s.dueEndpoints.all({ now: req.now }) as Array<{ id: string }>) {
        const remaining = req.limit - rows.length;
        if (remaining <= 0) break;
        const concurrencyRoom = req.perEndpointLimit - (req.inFlightByEndpoint[id] ?? 0);
        const room = Math.min(remaining, concurrencyRoom, Math.floor(tokens.get(id) ?? Infinity));
        if (room <= 0) continue;
        const taken = this.s.dueOfEndpoint.all({ endpointId: id, now: req.now, room }) as any[];
        if (taken.length > 0 && tokens.has(id)) this.s.spendTokens.run(id, tokens.get(id)! - taken.length, refilledAt.get(id));
        rows.push(...taken);
      }
      for (const row of rows) {
        // A claim outlives the slowest possible attempt (timeout) plus a margin, and one more
        // timeout because a claimed delivery may wait behind its endpoint's concurrency limit.
        const leaseUntil = req.now + 2 * Number(row.ep_timeout_ms) + req.leaseMarginMs;
        this.s.lease.run(leaseUntil, req.leaseToken, row.id);
      }
      return rows;
    });
    const rows = this.relaxed(() => claim.immediate());
    if (rows.length === 0) return [];
    const messages = new Map(
      (this.s.messages.all(JSON.stringify([...new Set(rows.map((r) => r.msg_id))])) as any[]).map((r) => [r.id, rowToMessage(r)]),
    );
    const endpointRows = this.s.endpoints.all(JSON.stringify([...new Set(rows.map((r) => r.endpoint_id))])) as any[];
    const endpoints = new Map(endpointRows.map((r) => [r.id, rowToEndpoint(r, this.codec)]));
    const appSchedules = new Map(endpointRows.map((r) => [r.id, r.app_retry_schedule ? JSON.parse(r.app_retry_schedule) : null]));
    const claimed: ClaimedDelivery[] = [];
    for (const row of rows) {
      const message = messages.get(row.msg_id);
      const endpoint = endpoints.get(row.endpoint_id);
      if (message && endpoint) claimed.push({ delivery: rowToDelivery(row), message, endpoint, appRetrySchedule: appSchedules.get(endpoint.id) });
    }
    return claimed;
  }

  settle(settlements: Settlement[]): void {
    if (settlements.length === 0) return;
    const run = this.db.transaction(() => {
      for (const st of settlements) {
        this.s.insertAttempt.run(attemptToRow(st.attempt));
        const o = st.outcome;
        const status = o.kind === 'retry' ? 'pending' : o.kind;
        const next = o.kind === 'retry' ? o.nextAttemptAt : st.now;
        const updatedAt = new Date(st.now).toISOString();
        this.s.settle.run({ status, next, updated_at: updatedAt, id: st.deliveryId, token: st.leaseToken });
        if (o.kind === 'failed' && o.disableEndpoint) this.s.disableEndpoint.run(updatedAt, st.attempt.endpointId);
      }
    });
    this.relaxed(() => run.immediate());
  }

  /**
   * Claims and settlements commit without their own fsync (synchronous=NORMAL; WAL keeps them
   * atomic and crash-consistent). Losing the last of them to a power cut only means a delivery is
   * attempted again, which at-least-once allows; publishes keep FULL, so an acknowledged message
   * is never lost, and the next FULL commit makes these durable too.
   */
  private relaxed<T>(fn: () => T): T {
    this.s.syncNormal.run();
    try {
      return fn();
    } finally {
      this.s.syncFull.run();
    }
  }

  releaseClaims(ids: string[], token: string, now: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.s.release.run(now, id, token);
    }).immediate();
  }

  releaseAllLeases(now: number): number {
    return this.s.releaseAll.run(now).changes;
  }

  backlogStats(now: number): { pending: number; oldestDueAt: number | null } {
    const row = this.s.backlog.get({ now }) as { pending: number; oldest: number | null };
    return { pending: Number(row.pending), oldestDueAt: row.oldest === null ? null : Number(row.oldest) };
  }

  nextDueAt(): number | null {
    const v = this.s.nextDue.get() as number | null | undefined;
    return v === null || v === undefined ? null : Number(v);
  }

  listAttempts(column: 'msg_id' | 'endpoint_id', appId: string, value: string, q: AttemptQuery): Page<Attempt> {
    const rows = statement(this.db, 
      `SELECT * FROM attempts WHERE ${column} = @value AND app_id = @appId
         AND (@iterator IS NULL OR id < @iterator) AND (@status IS NULL OR status = @status)
       ORDER BY id DESC LIMIT @limit`,
    ).all({ value, appId, iterator: q.iterator ?? null, status: q.status ?? null, limit: q.limit + 1 });
    return toPage(rows.map((r) => rowToAttempt(r as any)), q.limit);
  }
}
