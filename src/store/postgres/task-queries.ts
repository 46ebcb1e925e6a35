import type { Pool } from 'pg';
import { newId } from '../../domain/ids.js';
import { RECOVERABLE } from '../catalogue/operation-records.js';
import type { RecoveryBatch, RecoveryBatchResult } from '../operations.js';
import { WORK_CHANNEL } from './publish.js';
import { inTransaction } from './sql.js';

// Bulk recovery (which messages: see RECOVERABLE). Tasks themselves are shared (catalogue/).

/** Picks the next messages in scope, then creates their deliveries and NOTIFYs the workers, in one transaction. */
export async function pgRecoverBatch(pool: Pool, batch: RecoveryBatch, schemaKey: string): Promise<RecoveryBatchResult> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ msg_id: string }>(
      `SELECT DISTINCT d.msg_id ${RECOVERABLE} AND ($5::text IS NULL OR d.msg_id > $5) ORDER BY d.msg_id LIMIT $6`,
      [batch.endpointId, batch.appId, batch.since, batch.until ?? null, batch.afterMsgId, batch.limit],
    );
    if (rows.length === 0) return { created: 0, lastMsgId: null };
    const msgIds = rows.map((r) => r.msg_id);
    const iso = new Date(batch.now).toISOString();
    await client.query(
      `WITH created AS (
         INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key, manual)
         SELECT t.id, m.id, e.id, m.app_id, 'pending', 0, $4::bigint, $5, $5, CASE WHEN e.ordering = 'entity' THEN m.ordering_key END, 1
         FROM unnest($1::text[], $2::text[]) AS t(id, msg_id) JOIN messages m ON m.id = t.msg_id JOIN endpoints e ON e.id = $3
       )
       SELECT pg_notify($6, $7)`,
      [msgIds.map(() => newId('dlv')), msgIds, batch.endpointId, batch.now, iso, WORK_CHANNEL, schemaKey],
    );
    return { created: msgIds.length, lastMsgId: msgIds.at(-1)! };
  });
}
