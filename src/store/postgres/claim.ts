import type { Pool } from 'pg';
import { orderedTurn } from '../ordered-turn.js';
import { RATE_BURST_SECONDS } from '../rate-bucket.js';
import type { SecretCodec } from '../secret-codec.js';
import { assembleClaim, ENDPOINTS_WITH_APP_SCHEDULE } from '../claim-assembly.js';
import { rowToDelivery, rowToMessage, type Row } from '../rows.js';
import type { ClaimRequest, ClaimedDelivery } from '../store.js';
import { inTransaction } from './sql.js';

// A claim is two statements in one transaction (4 round trips in all), and both are needed:
//
// 1. Lock the gate rows of endpoints that have due work and room, `FOR UPDATE SKIP LOCKED`.
//    Another process claiming for an endpoint right now holds its gate; we skip that endpoint
//    this round instead of waiting, so claimers never queue behind each other.
// 2. With a snapshot taken after those locks (READ COMMITTED: a new one per statement), count
//    each endpoint's live leases, which now include every earlier claimer's committed leases,
//    and take at most its free slots and whole rate-limit tokens of due rows whose turn it is
//    (ordered endpoints, see ordered-turn.ts) (graphile-worker's CTE: `ORDER BY … LIMIT …
//    FOR UPDATE SKIP LOCKED`, then `UPDATE … RETURNING`). Holding the gate also keeps two
//    processes from both taking the next delivery of one ordering key.
//
// Done in one statement, the count would come from a snapshot older than the gate lock and
// two processes could both fill the same endpoint's last slots.
//
// Candidate endpoints are found per endpoint (one index probe each) rather than from a window
// of the globally earliest rows, so a long backlog on a throttled endpoint never hides other
// endpoints' work and a claim costs the same whatever the backlog.

const LIVE_LEASES = `(SELECT count(*) FROM deliveries l WHERE l.endpoint_id = g.endpoint_id AND l.status = 'pending'
       AND l.lease_token IS NOT NULL AND l.next_attempt_at > $1::bigint)`;

/** Whole tokens in the bucket at $1 (epoch ms); $burst is RATE_BURST_SECONDS (see rate-bucket.ts). */
const tokensAt = (burst: string) =>
  `LEAST(GREATEST(1, e.rate_limit * ${burst}::float8),
         g.tokens + GREATEST(0, $1::bigint - g.refilled_at) * e.rate_limit / 1000.0)`;

const LOCK_GATES = `
  SELECT g.endpoint_id
  FROM endpoint_gates g
  JOIN endpoints e ON e.id = g.endpoint_id AND NOT e.disabled
  CROSS JOIN LATERAL (
    SELECT d.next_attempt_at FROM deliveries d
    WHERE d.endpoint_id = g.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= $1::bigint
      AND ${orderedTurn('d', '$1::bigint')}
    ORDER BY d.next_attempt_at LIMIT 1
  ) first_due
  WHERE (e.rate_limit IS NULL OR ${tokensAt('$3')} >= 1)
    AND ${LIVE_LEASES} < $4::bigint
  ORDER BY first_due.next_attempt_at
  LIMIT $2::bigint
  FOR UPDATE OF g SKIP LOCKED`;

const CLAIM = `
  WITH gate AS (
    SELECT g.endpoint_id, e.timeout_ms,
      CASE WHEN e.rate_limit IS NULL THEN NULL ELSE ${tokensAt('$3')} END AS tokens,
      $4::bigint - GREATEST(COALESCE(($5::jsonb ->> g.endpoint_id)::bigint, 0), ${LIVE_LEASES}) AS free_slots
    FROM endpoint_gates g JOIN endpoints e ON e.id = g.endpoint_id
    WHERE g.endpoint_id = ANY($6::text[])
  ), picked AS (
    SELECT p.id, p.next_attempt_at, gate.endpoint_id, gate.timeout_ms
    FROM gate CROSS JOIN LATERAL (
      SELECT d.id, d.next_attempt_at FROM deliveries d
      WHERE d.endpoint_id = gate.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= $1::bigint
        AND ${orderedTurn('d', '$1::bigint')}
      ORDER BY d.next_attempt_at
      LIMIT GREATEST(0, LEAST(gate.free_slots, COALESCE(floor(gate.tokens)::bigint, gate.free_slots)))
      FOR UPDATE SKIP LOCKED
    ) p
    ORDER BY p.next_attempt_at
    LIMIT $2::bigint
  ), leased AS (
    -- A claim outlives the slowest possible attempt (timeout) plus a margin, and one more
    -- timeout because a claimed delivery may wait behind its endpoint's concurrency limit.
    UPDATE deliveries d SET next_attempt_at = $1::bigint + 2 * picked.timeout_ms + $7::bigint, lease_token = $8
    FROM picked WHERE d.id = picked.id
    RETURNING d.*
  ), spent AS (
    -- Never back in time: a claim stamped a little earlier than the last one (clocks and
    -- scheduling differ between processes) must not be refilled for that interval twice.
    UPDATE endpoint_gates g SET tokens = gate.tokens - c.n, refilled_at = GREATEST(g.refilled_at, $1::bigint)
    FROM gate JOIN (SELECT endpoint_id, count(*) AS n FROM leased GROUP BY endpoint_id) c ON c.endpoint_id = gate.endpoint_id
    WHERE g.endpoint_id = gate.endpoint_id AND gate.tokens IS NOT NULL
  )
  SELECT
    (SELECT json_agg(l ORDER BY p.next_attempt_at) FROM leased l JOIN picked p ON p.id = l.id) AS deliveries,
    (SELECT json_agg(m) FROM messages m WHERE m.id IN (SELECT msg_id FROM leased)) AS messages,
    (SELECT json_agg(x) FROM (
       ${ENDPOINTS_WITH_APP_SCHEDULE} WHERE e.id IN (SELECT endpoint_id FROM leased)) x) AS endpoints`;

export async function claimDuePostgres(pool: Pool, codec: SecretCodec, req: ClaimRequest): Promise<ClaimedDelivery[]> {
  const result = await inTransaction(pool, async (client) => {
    // Named, so each connection parses and plans them once (see publish.ts, PREPARED).
    const gates = await client.query<{ endpoint_id: string }>({
      name: 'herald_lock_gates', text: LOCK_GATES, values: [req.now, req.limit, RATE_BURST_SECONDS, req.perEndpointLimit],
    });
    if (gates.rows.length === 0) return null;
    const { rows } = await client.query({ name: 'herald_claim', text: CLAIM, values: [
      req.now, req.limit, RATE_BURST_SECONDS, req.perEndpointLimit, JSON.stringify(req.inFlightByEndpoint),
      gates.rows.map((r) => r.endpoint_id), req.leaseMarginMs, req.leaseToken,
    ] });
    return rows[0] as { deliveries: Row[] | null; messages: Row[] | null; endpoints: Row[] | null };
  });
  if (!result?.deliveries) return [];
  return assembleClaim(result.deliveries.map((r) => rowToDelivery(r)), (result.messages ?? []).map((r) => rowToMessage(r)), result.endpoints ?? [], codec);
}
