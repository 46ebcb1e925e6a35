import type { Pool } from 'pg';
import { ATTEMPT_COLUMNS, attemptValues } from '../rows.js';
import type { Settlement } from '../store.js';
import { notBehindEarlier, readyWhenDue } from '../ordered-turn.js';

// Settling and releasing: each call is one statement, so one round trip
// and one transaction however many deliveries it touches.

/** The SQL type of each attempt column (rows.ts ATTEMPT_COLUMNS), in that order. */
const ATTEMPT_TYPES: Record<(typeof ATTEMPT_COLUMNS)[number], string> = {
  id: 'text', delivery_id: 'text', msg_id: 'text', endpoint_id: 'text', app_id: 'text', attempt: 'int', status: 'text',
  response_status: 'int', duration_ms: 'int', created_at: 'text', request: 'text', response: 'text', error: 'text',
  request_id: 'text', request_body_from: 'text',
};
// The settle's attempts come as one array per column ($8…), not as a JSON document decoded by
// json_populate_recordset (~9 µs per attempt on the server). Store cycle: the server's CPU per
// delivery 96 → 92 µs, Herald's 28 → 30 µs (docs/benchmarks.md, "PostgreSQL, second pass").
const ATTEMPT_ARRAYS = ATTEMPT_COLUMNS.map((c, i) => `$${8 + i}::${ATTEMPT_TYPES[c]}[]`).join(', ');

/** The settlements' attempts as ATTEMPT_ARRAYS's parameters: one array per column. */
function attemptArrays(settlements: Settlement[]): unknown[][] {
  const columns: unknown[][] = ATTEMPT_COLUMNS.map(() => []);
  for (const s of settlements) attemptValues(s.attempt).forEach((v, i) => columns[i]!.push(v));
  return columns;
}

/**
 * Records every attempt and settles its delivery in one statement (arrays unnested, as
 * graphile-worker completes jobs). The lease token guards against a worker that lost its lease
 * overwriting the outcome of the one that took over; its attempt is still recorded.
 */
export async function settlePostgres(pool: Pool, settlements: Settlement[]): Promise<void> {
  if (settlements.length === 0) return;
  // Rows are locked in id order, so two batches touching the same rows cannot deadlock.
  const sorted = [...settlements].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
  const disable = sorted.filter((s) => s.outcome.kind === 'failed' && s.outcome.disableEndpoint);
  const statement = {
    name: 'herald_settle',
    text: `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
         AS s(id, token, status, next_at, updated_at)
     ), recorded AS (
       -- An attempt whose delivery was deleted meanwhile (its endpoint or app removed) is dropped
       -- rather than failing the whole batch on a foreign key.
       INSERT INTO attempts (${ATTEMPT_COLUMNS.join(', ')})
       SELECT a.* FROM unnest(${ATTEMPT_ARRAYS}) AS a(${ATTEMPT_COLUMNS.join(', ')})
       WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id)
     ), settled AS (
       UPDATE deliveries d SET status = s.status, attempts = d.attempts + 1, next_attempt_at = s.next_at,
         lease_token = NULL, updated_at = s.updated_at
       FROM input s WHERE d.id = s.id AND d.lease_token = s.token
     )
     UPDATE endpoints SET disabled = true, updated_at = $7 WHERE id = ANY($6::text[])`,
    values: [
      sorted.map((s) => s.deliveryId),
      sorted.map((s) => s.leaseToken),
      sorted.map((s) => (s.outcome.kind === 'retry' ? 'pending' : s.outcome.kind)),
      sorted.map((s) => (s.outcome.kind === 'retry' ? s.outcome.nextAttemptAt : s.now)),
      sorted.map((s) => new Date(s.now).toISOString()),
      [...new Set(disable.map((s) => s.attempt.endpointId))],
      new Date(Math.max(...sorted.map((s) => s.now))).toISOString(),
      ...attemptArrays(sorted),
    ],
  };
  // An endpoint or app deleted while its deliveries were in flight can still fail the statement:
  // the delete may commit after this statement's snapshot passed the EXISTS check (a foreign key
  // violation), or deadlock with it on the delivery rows. Run again, the statement sees the
  // delete and drops those attempts; giving up would leave the whole batch to lease expiry.
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(statement);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || (code !== '23503' && code !== '40P01')) throw err;
    }
  }
}

export async function releaseClaimsPostgres(pool: Pool, ids: string[], token: string, now: number): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    'UPDATE deliveries SET next_attempt_at = $1, lease_token = NULL WHERE id = ANY($2::text[]) AND lease_token = $3',
    [now, ids, token],
  );
}

/**
 * The deliveries leased under `token` that the process holding it does not have in flight (`keep`):
 * those of a claim whose COMMIT went through although its answer was lost with the connection.
 * Made due now, so they are claimed again at once rather than when the lease runs out.
 */
export async function releaseOrphanLeasesPostgres(pool: Pool, token: string, keep: string[], now: number): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE deliveries SET next_attempt_at = $1, lease_token = NULL
     WHERE status = 'pending' AND lease_token = $2 AND NOT (id = ANY($3::text[]))`,
    [now, token, keep],
  );
  return rowCount ?? 0;
}

export async function releaseAllLeasesPostgres(pool: Pool, now: number): Promise<number> {
  const res = await pool.query(
    `UPDATE deliveries SET next_attempt_at = $1, lease_token = NULL WHERE status = 'pending' AND lease_token IS NOT NULL`,
    [now],
  );
  return res.rowCount ?? 0;
}

/**
 * When the dispatcher should look again: the earliest pending delivery of an enabled endpoint
 * (a due row, a lease running out, a scheduled retry), but for an endpoint whose rate-limit
 * bucket is empty, not before its next token. One index probe per endpoint (see migration 1).
 */
export async function nextDueAtPostgres(pool: Pool): Promise<number | null> {
  const { rows } = await pool.query<{ next: string | null }>({
    name: 'herald_next_due',
    text: `SELECT MIN(GREATEST(first_due.next_attempt_at,
         CASE WHEN e.rate_limit IS NULL OR g.tokens >= 1 THEN 0
              ELSE g.refilled_at + ceil((1 - g.tokens) * 1000.0 / e.rate_limit)::bigint END)) AS next
     FROM endpoint_gates g
     JOIN endpoints e ON e.id = g.endpoint_id AND NOT e.disabled
     CROSS JOIN LATERAL (
       SELECT d.next_attempt_at FROM deliveries d
       WHERE d.endpoint_id = g.endpoint_id AND d.status = 'pending' AND ${notBehindEarlier('d')}
       ORDER BY d.next_attempt_at LIMIT 1
     ) first_due`,
  });
  return rows[0]!.next === null ? null : Number(rows[0]!.next);
}

/**
 * Leased or not (see BacklogStats): a leased row's next_attempt_at is its lease's end, so a delivery
 * whose lease ran out without a settle (its claimer died, or cannot send) counts from then on.
 */
export async function backlogStatsPostgres(pool: Pool, now: number): Promise<{ pending: number; oldestDueAt: number | null }> {
  const { rows } = await pool.query<{ pending: string; oldest: string | null }>(
    `SELECT COUNT(*) AS pending,
       MIN(CASE WHEN d.next_attempt_at <= $1 AND ${readyWhenDue('d')}
         THEN d.next_attempt_at END) AS oldest
     FROM deliveries d WHERE d.status = 'pending'`,
    [now],
  );
  return { pending: Number(rows[0]!.pending), oldestDueAt: rows[0]!.oldest === null ? null : Number(rows[0]!.oldest) };
}
