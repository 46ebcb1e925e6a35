import type { DeliveryStatus } from '../../domain/model.js';
import { keysetOrder, toPage } from '../paginate.js';
import { rowToMessage } from '../rows.js';
import type { SqlRunner } from '../sql-runner.js';
import type { EndpointMessage, EndpointMessageQuery, Page } from '../store.js';

// The messages sent to one endpoint, each with where its delivery there stands (Svix's "attempted
// messages" of an endpoint). Not on the delivery path.

/**
 * Walks the app's messages by id (messages' primary key) and keeps those with a delivery to the
 * endpoint, joined to the newest one (deliveries_by_message: a message has a handful). Driven by
 * messages rather than by the endpoint's deliveries so that no index is added to deliveries, which
 * every publish writes: a page costs a walk over the app's messages until it is full, short when
 * the endpoint gets most of them, longer for an endpoint that gets few (bounded by retention).
 * A resend or a recovery adds a newer delivery of the same message: only the newest one counts.
 */
export async function listEndpointMessages(sql: SqlRunner, appId: string, endpointId: string, q: EndpointMessageQuery): Promise<Page<EndpointMessage>> {
  const channel = q.channel === undefined ? null : JSON.stringify(q.channel);
  const types = q.eventTypes && q.eventTypes.length > 0 ? q.eventTypes : null;
  const typeList = types ? ` AND m.event_type IN (${types.map((_, i) => `$${11 + i}`).join(', ')})` : '';
  const { beyond, dir } = keysetOrder(q.order);
  const rows = await sql.rows(
    `SELECT m.*, d.status AS dest_status, d.attempts AS dest_attempts, d.next_attempt_at AS dest_next_attempt_at
     FROM messages m JOIN deliveries d ON d.msg_id = m.id AND d.id = (
       SELECT max(e.id) FROM deliveries e WHERE e.msg_id = m.id AND e.endpoint_id = $2)
     WHERE m.app_id = $1 AND ($3::text IS NULL OR m.id ${beyond} $3)
       AND ($5::text IS NULL OR m.created_at < $5) AND ($6::text IS NULL OR m.created_at > $6)
       AND ($7::text IS NULL OR (m.channels IS NOT NULL AND replace(m.channels, $7, '') <> m.channels))
       AND ($8::text IS NULL OR d.status = $8)
       AND ($9::integer IS NULL OR (CASE WHEN d.attempts > 0 THEN 1 ELSE 0 END) = $9::integer)
       AND ($10::text IS NULL OR (m.tags IS NOT NULL AND replace(m.tags, $10, '') <> m.tags))${typeList}
     ORDER BY m.id ${dir} LIMIT $4`,
    [
      appId, endpointId, q.iterator ?? null, q.limit + 1, q.before ?? null, q.after ?? null, channel, q.status ?? null,
      q.attempted === undefined ? null : q.attempted ? 1 : 0, q.tag === undefined ? null : JSON.stringify(q.tag),
      ...(types ?? []),
    ],
  );
  return toPage(
    rows.map((r) => ({
      id: r.id as string,
      message: rowToMessage(r),
      status: r.dest_status as DeliveryStatus,
      // PostgreSQL answers BIGINT as text.
      attempts: Number(r.dest_attempts),
      nextAttemptAt: Number(r.dest_next_attempt_at),
    })),
    q.limit,
  );
}
