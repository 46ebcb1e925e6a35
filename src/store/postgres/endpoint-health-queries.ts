import type { Pool } from 'pg';
import { streakChanges } from '../failure-streaks.js';
import type { DisabledEndpoint, FailureTracking } from '../operations.js';
import { inTransaction } from './sql.js';

// Failure streaks (see sqlite/endpoint-health-queries.ts): three statements in one transaction,
// because a success and a later failure of one endpoint in the same batch must first end the old
// streak and then start a new one, which data-modifying CTEs of one statement cannot see in order.

export async function pgTrackEndpointFailures(pool: Pool, input: FailureTracking): Promise<DisabledEndpoint[]> {
  const changes = streakChanges(input.outcomes);
  if (changes.length === 0) return [];
  const cleared = changes.filter((c) => c.cleared).map((c) => c.endpointId);
  const failing = changes.filter((c) => c.failingSince !== null);
  return inTransaction(pool, async (client) => {
    if (cleared.length > 0) await client.query('DELETE FROM endpoint_failures WHERE endpoint_id = ANY($1::text[])', [cleared]);
    if (failing.length === 0) return [];
    // Joined with endpoints: one deleted while its request was in flight is skipped, not a foreign-key error.
    await client.query(
      `INSERT INTO endpoint_failures (endpoint_id, failing_since)
       SELECT t.id, t.since FROM unnest($1::text[], $2::bigint[]) AS t(id, since) JOIN endpoints e ON e.id = t.id
       ORDER BY t.id
       ON CONFLICT (endpoint_id) DO NOTHING`,
      [failing.map((c) => c.endpointId), failing.map((c) => c.failingSince)],
    );
    // `NOT e.disabled` is checked again after the row lock: of two processes only one disables
    // the endpoint, so only one reports it.
    const { rows } = await client.query<{ id: string; app_id: string; failing_since: string }>(
      `WITH overdue AS (
         SELECT f.endpoint_id, f.failing_since FROM endpoint_failures f
         WHERE f.endpoint_id = ANY($1::text[]) AND f.failing_since <= $2::bigint
       ), disabled AS (
         UPDATE endpoints e SET disabled = true, updated_at = $3 FROM overdue
         WHERE e.id = overdue.endpoint_id AND NOT e.disabled
         RETURNING e.id, e.app_id, overdue.failing_since
       ), forgotten AS (
         DELETE FROM endpoint_failures f USING disabled WHERE f.endpoint_id = disabled.id
       )
       SELECT * FROM disabled ORDER BY id`,
      [failing.map((c) => c.endpointId), input.disableIfFailingSince, new Date(input.now).toISOString()],
    );
    return rows.map((r) => ({ endpointId: r.id, appId: r.app_id, failingSince: Number(r.failing_since) }));
  });
}
