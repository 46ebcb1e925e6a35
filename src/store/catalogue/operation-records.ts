import type { Task } from '../../domain/task.js';
import { KEY_FINGERPRINT_SETTING, type ProcessRecord } from '../key-records.js';
import type { DisabledEndpoint, RecoveryScope } from '../operations.js';
import { rowToTask, taskToRow } from '../rows.js';
import { insertInto, type SqlRunner } from '../sql-runner.js';

// Records that keep Herald operable and are the same SQL on both stores: background tasks, the
// count of a recovery's scope, failure streaks forgotten, and the encryption key's records.
// Recovery batches, streak tracking, retention and re-sealing lock rows differently per backend
// and stay in its folder.

/**
 * Messages with a failed delivery to the endpoint in scope that were not delivered, nor queued
 * again, since (a later success or a pending delivery of the same message to the same endpoint),
 * and whose payload retention has not purged. $1 endpoint id, $2 app id, $3 since (ISO), $4 until
 * (ISO, exclusive; NULL: no bound).
 */
export const RECOVERABLE = `
  FROM deliveries d JOIN messages m ON m.id = d.msg_id AND m.purged_at IS NULL
  WHERE d.endpoint_id = $1 AND d.app_id = $2 AND d.status = 'failed' AND d.created_at >= $3
    AND ($4::text IS NULL OR d.created_at < $4)
    AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.msg_id = d.msg_id AND o.endpoint_id = d.endpoint_id AND o.status <> 'failed')`;

/** Records `$2` as the key's fingerprint (`$1` KEY_FINGERPRINT_SETTING, `$3` now), replacing one recorded. */
export const SET_KEY_FINGERPRINT = `INSERT INTO herald_settings (name, value, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

export class OperationRecords {
  constructor(private readonly sql: SqlRunner) {}

  async createTask(task: Task): Promise<Task> {
    const insert = insertInto('tasks', taskToRow(task));
    await this.sql.run(insert.sql, insert.params);
    return task;
  }

  async getTask(appId: string, taskId: string): Promise<Task | null> {
    const [row] = await this.sql.rows('SELECT * FROM tasks WHERE app_id = $1 AND id = $2', [appId, taskId]);
    return row ? rowToTask(row) : null;
  }

  async updateTask(t: Task): Promise<void> {
    await this.sql.run(
      'UPDATE tasks SET status = $2, total = $3, done = $4, error = $5, updated_at = $6 WHERE id = $1',
      [t.id, t.status, t.total, t.done, t.error, t.updatedAt],
    );
  }

  async listRunningTasks(limit: number): Promise<Task[]> {
    const rows = await this.sql.rows(`SELECT * FROM tasks WHERE status = 'running' ORDER BY id LIMIT $1`, [limit]);
    return rows.map(rowToTask);
  }

  /**
   * Two statements, not one transaction: the settle path disables endpoints too, and both check
   * `NOT disabled` in their UPDATE, so of two writers only one disables (and reports) an endpoint.
   */
  async disableFailingEndpoints(disableIfFailingSince: number, now: number): Promise<DisabledEndpoint[]> {
    const rows = await this.sql.rows(
      `UPDATE endpoints SET disabled = $3, updated_at = $2
       WHERE NOT disabled AND id IN (SELECT endpoint_id FROM endpoint_failures WHERE failing_since <= $1)
       RETURNING id, app_id, (SELECT failing_since FROM endpoint_failures f WHERE f.endpoint_id = endpoints.id) AS failing_since`,
      [disableIfFailingSince, new Date(now).toISOString(), true],
    );
    const disabled = rows.map((r) => ({ endpointId: r.id as string, appId: r.app_id as string, failingSince: Number(r.failing_since) }));
    for (const d of disabled) await this.clearEndpointFailures(d.endpointId);
    return disabled.sort((a, b) => a.endpointId.localeCompare(b.endpointId));
  }

  async countRecoverable(scope: RecoveryScope): Promise<number> {
    const [row] = await this.sql.rows(`SELECT count(DISTINCT d.msg_id) AS n ${RECOVERABLE}`, [scope.endpointId, scope.appId, scope.since, scope.until ?? null]);
    return Number(row!.n);
  }

  async clearEndpointFailures(endpointId: string): Promise<void> {
    await this.sql.run('DELETE FROM endpoint_failures WHERE endpoint_id = $1', [endpointId]);
  }

  // The encryption key's records (key-records.ts): read at start-up and by the rotate command only.

  async keyFingerprint(): Promise<string | null> {
    const [row] = await this.sql.rows('SELECT value FROM herald_settings WHERE name = $1', [KEY_FINGERPRINT_SETTING]);
    return row?.value ?? null;
  }

  async recordKeyFingerprint(fingerprint: string): Promise<string> {
    await this.sql.run(
      'INSERT INTO herald_settings (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
      [KEY_FINGERPRINT_SETTING, fingerprint, new Date().toISOString()],
    );
    return (await this.keyFingerprint())!;
  }

  async sampleSealedValues(limit: number): Promise<string[]> {
    const rows = await this.sql.rows(`SELECT secrets FROM endpoints WHERE secrets LIKE 'enc:v1:%' LIMIT $1`, [limit]);
    return rows.map((r) => r.secrets as string);
  }

  async registerProcess(p: ProcessRecord): Promise<void> {
    await this.sql.run(
      `INSERT INTO herald_processes (id, role, host, pid, started_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
      [p.id, p.role, p.host, p.pid, p.startedAt, p.seenAt],
    );
  }

  async unregisterProcess(id: string): Promise<void> {
    await this.sql.run('DELETE FROM herald_processes WHERE id = $1', [id]);
  }
}
