import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids.js';
import type { Task } from '../../domain/task.js';
import type { RecoveryBatch, RecoveryBatchResult, RecoveryScope } from '../operations.js';
import { statement } from './statement-cache.js';

// Background tasks and the bulk recovery they run. Not on the delivery path: prepared per call.

import { rowToTask, taskToRow, type Row } from '../rows.js';

export function sqliteCreateTask(db: Database.Database, task: Task): Task {
  statement(db, 
    `INSERT INTO tasks (id, app_id, kind, status, params, total, done, error, created_at, updated_at)
     VALUES (@id, @app_id, @kind, @status, @params, @total, @done, @error, @created_at, @updated_at)`,
  ).run(taskToRow(task));
  return task;
}

export function sqliteGetTask(db: Database.Database, appId: string, taskId: string): Task | null {
  const row = statement(db, 'SELECT * FROM tasks WHERE app_id = ? AND id = ?').get(appId, taskId);
  return row ? rowToTask(row as Row) : null;
}

export function sqliteUpdateTask(db: Database.Database, task: Task): void {
  statement(db, 
    `UPDATE tasks SET status = @status, total = @total, done = @done, error = @error, updated_at = @updated_at
     WHERE id = @id`,
  ).run(taskToRow(task));
}

/**
 * Messages with a failed delivery to the endpoint in scope that were not delivered, nor queued
 * again, since (a later success or a pending delivery of the same message to the same endpoint),
 * and whose payload retention has not purged.
 */
const RECOVERABLE = `
  FROM deliveries d JOIN messages m ON m.id = d.msg_id AND m.purged_at IS NULL
  WHERE d.endpoint_id = @endpointId AND d.app_id = @appId AND d.status = 'failed' AND d.created_at >= @since
    AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.msg_id = d.msg_id AND o.endpoint_id = d.endpoint_id AND o.status <> 'failed')`;

export function sqliteCountRecoverable(db: Database.Database, scope: RecoveryScope): number {
  return Number(statement(db, `SELECT count(DISTINCT d.msg_id) ${RECOVERABLE}`).pluck().get(scope));
}

/** A new delivery (same message id, so receivers can deduplicate) for the next batch of messages in scope. */
export function sqliteRecoverBatch(db: Database.Database, batch: RecoveryBatch): RecoveryBatchResult {
  const next = statement(db, 
    `SELECT DISTINCT d.msg_id ${RECOVERABLE} AND (@afterMsgId IS NULL OR d.msg_id > @afterMsgId)
     ORDER BY d.msg_id LIMIT @limit`,
  ).pluck();
  const insert = statement(db, 
    `INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key)
     SELECT @id, m.id, e.id, m.app_id, 'pending', 0, @now, @iso, @iso, CASE WHEN e.ordering = 'entity' THEN m.ordering_key END
     FROM messages m JOIN endpoints e ON e.id = @endpointId WHERE m.id = @msgId`,
  );
  const run = db.transaction(() => {
    const { appId, endpointId, since, afterMsgId, limit } = batch;
    const ids = next.all({ appId, endpointId, since, afterMsgId, limit }) as string[];
    const iso = new Date(batch.now).toISOString();
    for (const msgId of ids) insert.run({ id: newId('dlv'), msgId, endpointId, now: batch.now, iso });
    return { created: ids.length, lastMsgId: ids.at(-1) ?? null };
  });
  return run.immediate();
}
