// herald_publish_handing_off (migration 29): a publish that hands its new deliveries to the local
// loop (publish-hand-off.ts) in one round trip instead of four (BEGIN, lock the gates, insert,
// COMMIT). Under load every round trip waits for a core the database, Herald and the receivers share;
// at 1,000 messages/s the publish's transaction was most of a message's latency (p50 4–5 ms, p99
// 15–17 ms for groups of 10–30 messages).
//
// Why a function and not one statement: the per-endpoint limit counts every process's live leases,
// and that count must be read with a snapshot taken after the gates are locked (a claimer that held
// a gate has committed its leases by the time we hold it). In READ COMMITTED each statement of a
// VOLATILE plpgsql function takes a new snapshot; one SQL statement would count with the snapshot
// it started with, before its own locks.
//
// Frozen with migration 29: a change is a new migration. Tables resolve through the caller's
// search_path (see claim-function.ts).
//
// Parameters: the messages (json rows), the planned deliveries as arrays (id, msg_id, endpoint_id,
// app_id, due_at, created_at, ordering_key, lease_until: null for a delivery left to the claim), the
// time, the per-endpoint limit, the loop's lease token, the NOTIFY channel and payload, the audit
// entries (json rows). Returns the ids of the deliveries leased to the loop (null: none).

const LIVE_LEASES = `(SELECT count(*) FROM deliveries l WHERE l.endpoint_id = o.endpoint_id AND l.status = 'pending'
        AND l.lease_token IS NOT NULL AND l.next_attempt_at > p_now)`;

export const PUBLISH_FUNCTION_V29 = `
CREATE OR REPLACE FUNCTION herald_publish_handing_off(
  p_messages json, p_ids text[], p_msg_ids text[], p_endpoint_ids text[], p_app_ids text[], p_due_at bigint[],
  p_created_at text[], p_ordering_keys text[], p_lease_until bigint[],
  p_now bigint, p_per_endpoint bigint, p_token text, p_channel text, p_payload text, p_audit json
) RETURNS text[] LANGUAGE plpgsql VOLATILE AS $publish$
DECLARE
  gates text[];
  v_leased text[];
  v_unleased boolean;
BEGIN
  -- 1. Lock the gate of each endpoint the loop kept room for, if it is still enabled and without a
  --    rate limit (its tokens are the claim's to spend); one a claimer or another publish holds is
  --    skipped, and its deliveries are left to the claim.
  SELECT array_agg(g.endpoint_id ORDER BY g.endpoint_id) INTO gates FROM (
    SELECT g.endpoint_id FROM endpoint_gates g JOIN endpoints e ON e.id = g.endpoint_id
    WHERE g.endpoint_id IN (SELECT DISTINCT t.e FROM unnest(p_endpoint_ids, p_lease_until) AS t(e, lease) WHERE t.lease IS NOT NULL)
      AND NOT e.disabled AND e.rate_limit IS NULL
    ORDER BY g.endpoint_id
    FOR UPDATE OF g SKIP LOCKED
  ) g;

  -- 2. A new snapshot, taken after those locks: the messages, the audit entries and the deliveries,
  --    each leased only while its endpoint's live leases and those before it stay within the limit.
  WITH inserted AS (
    INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, p_messages)
  ), audited AS (
    INSERT INTO audit_log SELECT * FROM json_populate_recordset(NULL::audit_log, p_audit)
  ), planned AS (
    SELECT t.id, t.msg_id, t.endpoint_id, t.app_id, t.due_at, t.created_at, t.ordering_key,
      CASE WHEN t.endpoint_id = ANY(gates) THEN t.lease_until END AS lease_until
    FROM unnest(p_ids, p_msg_ids, p_endpoint_ids, p_app_ids, p_due_at, p_created_at, p_ordering_keys, p_lease_until)
      AS t(id, msg_id, endpoint_id, app_id, due_at, created_at, ordering_key, lease_until)
  ), numbered AS (
    SELECT p.*, row_number() OVER (PARTITION BY p.endpoint_id, p.lease_until IS NULL ORDER BY p.id) AS nth FROM planned p
  ), live AS (
    SELECT o.endpoint_id, ${LIVE_LEASES} AS leases
    FROM (SELECT DISTINCT endpoint_id FROM planned WHERE lease_until IS NOT NULL) o
  ), decided AS (
    SELECT n.*, COALESCE(n.nth + live.leases <= p_per_endpoint, false) AS leased
    FROM numbered n LEFT JOIN live ON live.endpoint_id = n.endpoint_id AND n.lease_until IS NOT NULL
  ), created AS (
    INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key, lease_token)
    SELECT id, msg_id, endpoint_id, app_id, 'pending', 0, CASE WHEN leased THEN lease_until ELSE due_at END,
      created_at, created_at, ordering_key, CASE WHEN leased THEN p_token END
    FROM decided
    RETURNING id, lease_token
  )
  SELECT array_agg(id) FILTER (WHERE lease_token IS NOT NULL), bool_or(lease_token IS NULL)
  INTO v_leased, v_unleased FROM created;

  -- Wakes the claimers for what was left to them; delivered only if the transaction commits.
  IF v_unleased THEN PERFORM pg_notify(p_channel, p_payload); END IF;
  RETURN v_leased;
END
$publish$`;
