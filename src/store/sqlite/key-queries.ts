import type Database from 'better-sqlite3';
import { SET_KEY_FINGERPRINT } from '../catalogue/operation-records.js';
import { KEY_FINGERPRINT_SETTING, LiveProcessesError, resealRow, toProcess, type ResealRequest, type ResealResult } from '../key-records.js';
import type { SqliteRunner } from './sqlite-runner.js';

// Re-sealing every endpoint value under a new key (see key-records.ts; the other key records are
// shared: catalogue/operation-records.ts). Run by the rotate command only.

/**
 * BEGIN IMMEDIATE holds the write lock from the first statement: a process starting meanwhile
 * registers (a write) only after this commits, and then finds the new fingerprint.
 */
export function sqliteResealAll(db: Database.Database, sql: SqliteRunner, req: ResealRequest): ResealResult {
  const run = db.transaction((): ResealResult => {
    const live = sql.rowsSync('SELECT * FROM herald_processes WHERE seen_at >= $1', [req.liveSince]).map(toProcess);
    if (live.length > 0) throw new LiveProcessesError(live, Date.now());
    const rows = sql.rowsSync('SELECT id, secrets, tls, headers, query FROM endpoints') as Array<Record<string, string | null>>;
    const result: ResealResult = { endpoints: rows.length, values: 0, unreadable: [] };
    for (const row of rows) {
      const { values, count, unreadable } = resealRow(row, req.reseal);
      sql.runSync('UPDATE endpoints SET secrets = $1, tls = $2, headers = $3, query = $4 WHERE id = $5', [
        values.secrets, values.tls, values.headers, values.query, row.id,
      ]);
      result.values += count;
      if (unreadable) result.unreadable.push(row.id!);
    }
    sql.runSync(SET_KEY_FINGERPRINT, [KEY_FINGERPRINT_SETTING, req.fingerprint, new Date().toISOString()]);
    return result;
  });
  return run.immediate();
}
