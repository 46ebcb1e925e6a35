import type { Pool } from 'pg';
import { newId } from '../../domain/ids.js';
import type { Task } from '../../domain/task.js';
import type { RecoveryBatch, RecoveryBatchResult, RecoveryScope } from '../operations.js';
import { rowToTask } from '../rows.js';
import { WORK_CHANNEL } from './publish.js';
import { inTransaction } from './sql.js';

// Background tasks and bulk recovery (see sqlite/task-queries.ts for what is recoverable).

export async function pgCreateTask(pool: Pool, t: Task): Promise<Task> {
  await pool.query(
    `INSERT INTO tasks (id, app_id, kind, status, params, total, done, error, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [t.id, t.appId, t.kind, t.status, JSON.stringify(t.params), t.total, t.done, t.error, t.createdAt, t.updatedAt],
  );
  return t;
}

export async function pgGetTask(pool: Pool, appId: string, taskId: string): Promise<Task | null> {
  const { rows } = await pool.query('SELECT * FROM tasks WHERE app_id = $1 AND id = $2', [appId, taskId]);
  return rows[0] ? rowToTask(rows[0]) : null;
}

export async function pgUpdateTask(pool: Pool, t: Task): Promise<void> {
  await pool.query(
    'UPDATE tasks SET status = $2, total = $3, done = $4, error = $5, updated_at = $6 WHERE id = $1',
    [t.id, t.status, t.total, t.done, t.error, t.updatedAt],
  );
}

const RECOVERABLE = `
  FROM deliveries d JOIN messages m ON m.id = d.msg_id AND m.purged_at IS NULL
  WHERE d.endpoint_id = $1 AND d.app_id = $2 AND d.status = 'failed' AND d.created_at >= $3
    AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.msg_id = d.msg_id AND o.endpoint_id = d.endpoint_id AND o.status <> 'failed')`;

export async function pgCountRecoverable(pool: Pool, scope: RecoveryScope): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(DISTINCT d.msg_id) AS n ${RECOVERABLE}`, [scope.endpointId, scope.appId, scope.since]);
  return Number(rows[0]!.n);
}

/** Picks the next messages in scope, then creates their deliveries and NOTIFYs the workers, in one transaction. */
export async function pgRecoverBatch(pool: Pool, batch: RecoveryBatch, schemaKey: string): Promise<RecoveryBatchResult> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ msg_id: string }>(
      `SELECT DISTINCT d.msg_id ${RECOVERABLE} AND ($4::text IS NULL OR d.msg_id > $4) ORDER BY d.msg_id LIMIT $5`,
      [batch.endpointId, batch.appId, batch.since, batch.afterMsgId, batch.limit],
    );
    if (rows.length === 0) return { created: 0, lastMsgId: null };
    const msgIds = rows.map((r) => r.msg_id);
    const iso = new Date(batch.now).toISOString();
    await client.query(
      `WITH created AS (
         INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key)
         SELECT t.id, m.id, e.id, m.app_id, 'pending', 0, $4::bigint, $5, $5, CASE WHEN e.ordering = 'entity' THEN m.ordering_key END
         FROM unnest($1::text[], $2::text[]) AS t(id, msg_id) JOIN messages m ON m.id = t.msg_id JOIN endpoints e ON e.id = $3
       )
       SELECT pg_notify($6, $7)`,
      [msgIds.map(() => newId('dlv')), msgIds, batch.endpointId, batch.now, iso, WORK_CHANNEL, schemaKey],
    );
    return { created: msgIds.length, lastMsgId: msgIds.at(-1)! };
  });
}
