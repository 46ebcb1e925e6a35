// herald_claim_v2 (migration 26): herald_claim (claim-function.ts, migration 23) and, when the claim
// comes back short, the dispatcher's next look (nextDueAtPostgres) in the same call, so a short claim
// costs one round trip instead of two (#21). Statements 1 and 2 are migration 23's, unchanged.
//
// A function of its own name rather than a replacement of herald_claim: during a rolling upgrade the
// older processes still call herald_claim and read its answer's shape.
//
// Frozen with migration 26, as claim-function.ts is with 23: a change is a new migration. Tables
// resolve through the caller's search_path (see claim-function.ts).
//
// Parameters: as herald_claim's. Returns {deliveries, messages, endpoints, short, next_due}: the three
// lists (null when nothing was claimed), whether fewer than p_limit were claimed, and, only then, the
// earliest time any pending delivery is due (epoch ms; null when none is pending).

/** Whole tokens in the bucket at p_now (see rate-bucket.ts). */
const TOKENS_AT = `LEAST(GREATEST(1, e.rate_limit * p_burst),
         g.tokens + GREATEST(0, p_now - g.refilled_at) * e.rate_limit / 1000.0)`;

const LIVE_LEASES = `(SELECT count(*) FROM deliveries l WHERE l.endpoint_id = g.endpoint_id AND l.status = 'pending'
       AND l.lease_token IS NOT NULL AND l.next_attempt_at > p_now)`;

/** ordered-turn.ts's notBehindEarlier('d2') as it read when this function was written. */
const NOT_BEHIND_EARLIER = `(d2.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries o WHERE o.endpoint_id = d2.endpoint_id AND o.ordering_key = d2.ordering_key
      AND o.status = 'pending' AND o.id < d2.id))`;

/** ordered-turn.ts's orderedTurn('d', 'p_now') as it read when this function was written. */
const ORDERED_TURN = `(d.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries o
    WHERE o.endpoint_id = d.endpoint_id AND o.ordering_key = d.ordering_key AND o.status = 'pending'
      AND o.id <> d.id AND (o.id < d.id OR (o.lease_token IS NOT NULL AND o.next_attempt_at > p_now))))`;

export const CLAIM_FUNCTION_V26 = `
CREATE OR REPLACE FUNCTION herald_claim_v2(
  p_now bigint, p_limit bigint, p_burst float8, p_per_endpoint bigint, p_in_flight jsonb, p_margin bigint, p_token text
) RETURNS json LANGUAGE plpgsql VOLATILE AS $claim$
DECLARE
  gates text[];
  v_deliveries json;
  v_messages json;
  v_endpoints json;
  v_count bigint := 0;
  v_next_due bigint;
BEGIN
  -- 1. Lock the gates of endpoints with due work and room; one another claimer holds is skipped.
  SELECT array_agg(locked.endpoint_id) INTO gates FROM (
    SELECT g.endpoint_id
    FROM endpoint_gates g
    JOIN endpoints e ON e.id = g.endpoint_id AND NOT e.disabled
    CROSS JOIN LATERAL (
      SELECT d.next_attempt_at FROM deliveries d
      WHERE d.endpoint_id = g.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= p_now
        AND ${ORDERED_TURN}
      ORDER BY d.next_attempt_at LIMIT 1
    ) first_due
    WHERE (e.rate_limit IS NULL OR ${TOKENS_AT} >= 1)
      AND ${LIVE_LEASES} < p_per_endpoint
    ORDER BY first_due.next_attempt_at
    LIMIT p_limit
    FOR UPDATE OF g SKIP LOCKED
  ) locked;
  IF gates IS NOT NULL THEN
  -- 2. A new snapshot, taken after those locks: count live leases, take due rows, lease them.
  WITH gate AS (
    SELECT g.endpoint_id, e.timeout_ms,
      CASE WHEN e.rate_limit IS NULL THEN NULL ELSE ${TOKENS_AT} END AS tokens,
      p_per_endpoint - GREATEST(COALESCE((p_in_flight ->> g.endpoint_id)::bigint, 0), ${LIVE_LEASES}) AS free_slots
    FROM endpoint_gates g JOIN endpoints e ON e.id = g.endpoint_id
    WHERE g.endpoint_id = ANY(gates)
  ), picked AS (
    SELECT p.id, p.next_attempt_at, gate.endpoint_id, gate.timeout_ms
    FROM gate CROSS JOIN LATERAL (
      SELECT d.id, d.next_attempt_at FROM deliveries d
      WHERE d.endpoint_id = gate.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= p_now
        AND ${ORDERED_TURN}
      ORDER BY d.next_attempt_at
      LIMIT GREATEST(0, LEAST(gate.free_slots, COALESCE(floor(gate.tokens)::bigint, gate.free_slots)))
      FOR UPDATE SKIP LOCKED
    ) p
    ORDER BY p.next_attempt_at
    LIMIT p_limit
  ), leased AS (
    -- A claim outlives the slowest possible attempt (timeout) plus a margin, and one more
    -- timeout because a claimed delivery may wait behind its endpoint's concurrency limit.
    UPDATE deliveries d SET next_attempt_at = p_now + 2 * picked.timeout_ms + p_margin, lease_token = p_token
    FROM picked WHERE d.id = picked.id
    RETURNING d.*
  ), spent AS (
    -- Never back in time: a claim stamped a little earlier than the last one (clocks and
    -- scheduling differ between processes) must not be refilled for that interval twice.
    UPDATE endpoint_gates g SET tokens = gate.tokens - c.n, refilled_at = GREATEST(g.refilled_at, p_now)
    FROM gate JOIN (SELECT endpoint_id, count(*) AS n FROM leased GROUP BY endpoint_id) c ON c.endpoint_id = gate.endpoint_id
    WHERE g.endpoint_id = gate.endpoint_id AND gate.tokens IS NOT NULL
  )
  SELECT (SELECT count(*) FROM leased),
    (SELECT json_agg(l ORDER BY p.next_attempt_at) FROM leased l JOIN picked p ON p.id = l.id),
    (SELECT json_agg(m) FROM messages m WHERE m.id IN (SELECT msg_id FROM leased)),
    (SELECT json_agg(x) FROM (
       SELECT e.*, a.retry_schedule AS app_retry_schedule FROM endpoints e JOIN apps a ON a.id = e.app_id
       WHERE e.id IN (SELECT endpoint_id FROM leased)) x)
  INTO v_count, v_deliveries, v_messages, v_endpoints;
  END IF;

  -- 3. Only when the claim came back short: when to look again, as nextDueAtPostgres (dispatch-queries.ts)
  -- read when this function was written. A new snapshot again, so this claim's own leases count.
  IF v_count < p_limit THEN
    SELECT MIN(GREATEST(first_due.next_attempt_at,
        CASE WHEN e2.rate_limit IS NULL OR g.tokens >= 1 THEN 0
             ELSE g.refilled_at + ceil((1 - g.tokens) * 1000.0 / e2.rate_limit)::bigint END))
    INTO v_next_due
    FROM endpoint_gates g
    JOIN endpoints e2 ON e2.id = g.endpoint_id AND NOT e2.disabled
    CROSS JOIN LATERAL (
      SELECT d2.next_attempt_at FROM deliveries d2
      WHERE d2.endpoint_id = g.endpoint_id AND d2.status = 'pending' AND ${NOT_BEHIND_EARLIER}
      ORDER BY d2.next_attempt_at LIMIT 1
    ) first_due;
  END IF;
  -- json arguments are appended as they are, not parsed again.
  RETURN json_build_object('deliveries', v_deliveries, 'messages', v_messages, 'endpoints', v_endpoints, 'short', v_count < p_limit, 'next_due', v_next_due);
END
$claim$`;
