// The claim as a function, so that it is one round trip (`SELECT herald_claim(…)`) instead of four
// (BEGIN, lock the gates, claim, COMMIT): issue #21. It runs the same two statements as the claim
// did from claim.ts, and must stay two: a PL/pgSQL function (VOLATILE) in READ COMMITTED takes a new
// snapshot for each statement it runs, so the claim still counts each endpoint's live leases after
// its gate is locked (see claim.ts for why that matters).
//
// Frozen with migration 23, which creates it: a change to the claim is a new migration that
// replaces the function (CREATE OR REPLACE), never an edit here. Tables are not schema-qualified:
// they resolve through the caller's search_path, as every statement of Herald's does, so one
// database can hold several Herald schemas (`?schema=`), each with its own copy of the function.
//
// Parameters: the claim time (epoch ms), the batch limit, the rate bucket's burst in seconds
// (RATE_BURST_SECONDS), the per-endpoint concurrency limit, the claimer's own in-flight count per
// endpoint (a JSON object), the lease margin (ms) and the lease token. Returns NULL when nothing
// was claimed, else {deliveries, messages, endpoints}, each a JSON array of rows.

/** Whole tokens in the bucket at p_now (see rate-bucket.ts). */
const TOKENS_AT = `LEAST(GREATEST(1, e.rate_limit * p_burst),
         g.tokens + GREATEST(0, p_now - g.refilled_at) * e.rate_limit / 1000.0)`;

const LIVE_LEASES = `(SELECT count(*) FROM deliveries l WHERE l.endpoint_id = g.endpoint_id AND l.status = 'pending'
       AND l.lease_token IS NOT NULL AND l.next_attempt_at > p_now)`;

/** ordered-turn.ts's orderedTurn('d', 'p_now') as it read when this function was written. */
const ORDERED_TURN = `(d.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries o
    WHERE o.endpoint_id = d.endpoint_id AND o.ordering_key = d.ordering_key AND o.status = 'pending'
      AND o.id <> d.id AND (o.id < d.id OR (o.lease_token IS NOT NULL AND o.next_attempt_at > p_now))))`;

export const CLAIM_FUNCTION_V23 = `
CREATE OR REPLACE FUNCTION herald_claim(
  p_now bigint, p_limit bigint, p_burst float8, p_per_endpoint bigint, p_in_flight jsonb, p_margin bigint, p_token text
) RETURNS json LANGUAGE plpgsql VOLATILE AS $claim$
DECLARE
  gates text[];
  claimed json;
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
  IF gates IS NULL THEN
    RETURN NULL;
  END IF;

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
  SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM leased) THEN NULL ELSE json_build_object(
    'deliveries', (SELECT json_agg(l ORDER BY p.next_attempt_at) FROM leased l JOIN picked p ON p.id = l.id),
    'messages', (SELECT json_agg(m) FROM messages m WHERE m.id IN (SELECT msg_id FROM leased)),
    'endpoints', (SELECT json_agg(x) FROM (
       SELECT e.*, a.retry_schedule AS app_retry_schedule FROM endpoints e JOIN apps a ON a.id = e.app_id
       WHERE e.id IN (SELECT endpoint_id FROM leased)) x)
  ) END INTO claimed;
  RETURN claimed;
END
$claim$`;
