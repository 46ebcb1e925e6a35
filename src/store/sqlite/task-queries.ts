import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids.js';
import { RECOVERABLE } from '../catalogue/operation-records.js';
import type { RecoveryBatch, RecoveryBatchResult } from '../operations.js';
import type { SqliteRunner } from './sqlite-runner.js';

// Bulk recovery (which messages: see RECOVERABLE). Its own transaction; not on the delivery path.

const NEXT = `SELECT DISTINCT d.msg_id ${RECOVERABLE} AND ($5::text IS NULL OR d.msg_id > $5) ORDER BY d.msg_id LIMIT $6`;

const RECREATE = `
  INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key, manual)
  SELECT $1, m.id, e.id, m.app_id, 'pending', 0, $2, $3, $3, CASE WHEN e.ordering = 'entity' THEN m.ordering_key END, 1
  FROM messages m JOIN endpoints e ON e.id = $4 WHERE m.id = $5`;

/** A new delivery (same message id, so receivers can deduplicate) for the next batch of messages in scope. */
export function sqliteRecoverBatch(db: Database.Database, sql: SqliteRunner, batch: RecoveryBatch): RecoveryBatchResult {
  const run = db.transaction(() => {
    const { appId, endpointId, since, until, afterMsgId, limit } = batch;
    const ids = sql.rowsSync(NEXT, [endpointId, appId, since, until ?? null, afterMsgId, limit]).map((r) => r.msg_id as string);
    const iso = new Date(batch.now).toISOString();
    for (const msgId of ids) sql.runSync(RECREATE, [newId('dlv'), batch.now, iso, endpointId, msgId]);
    return { created: ids.length, lastMsgId: ids.at(-1) ?? null };
  });
  return run.immediate();
}
