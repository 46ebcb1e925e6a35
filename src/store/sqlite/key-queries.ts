import type Database from 'better-sqlite3';
import {
  KEY_FINGERPRINT_SETTING, LiveProcessesError, resealRow, toProcess, type ProcessRecord, type ResealRequest, type ResealResult,
} from '../key-records.js';
import { statement } from './statement-cache.js';

// The encryption key's records (see key-records.ts). Only read at start-up and by the rotate
// command, never on the delivery path.

export function sqliteKeyFingerprint(db: Database.Database): string | null {
  const value = statement(db, 'SELECT value FROM herald_settings WHERE name = ?').pluck().get(KEY_FINGERPRINT_SETTING);
  return (value as string | undefined) ?? null;
}

export function sqliteRecordKeyFingerprint(db: Database.Database, fingerprint: string): string {
  statement(db, 'INSERT INTO herald_settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
    .run(KEY_FINGERPRINT_SETTING, fingerprint, new Date().toISOString());
  return sqliteKeyFingerprint(db)!;
}

export function sqliteSampleSealedValues(db: Database.Database, limit: number): string[] {
  return statement(db, `SELECT secrets FROM endpoints WHERE secrets LIKE 'enc:v1:%' LIMIT ?`).pluck().all(limit) as string[];
}

export function sqliteRegisterProcess(db: Database.Database, p: ProcessRecord): void {
  statement(db,
    `INSERT INTO herald_processes (id, role, host, pid, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
  ).run(p.id, p.role, p.host, p.pid, p.startedAt, p.seenAt);
}

export function sqliteUnregisterProcess(db: Database.Database, id: string): void {
  statement(db, 'DELETE FROM herald_processes WHERE id = ?').run(id);
}

/**
 * BEGIN IMMEDIATE holds the write lock from the first statement: a process starting meanwhile
 * registers (a write) only after this commits, and then finds the new fingerprint.
 */
export function sqliteResealAll(db: Database.Database, req: ResealRequest): ResealResult {
  const run = db.transaction((): ResealResult => {
    const live = (statement(db, 'SELECT * FROM herald_processes WHERE seen_at >= ?').all(req.liveSince) as any[]).map(toProcess);
    if (live.length > 0) throw new LiveProcessesError(live, Date.now());
    const rows = statement(db, 'SELECT id, secrets, tls, headers, query FROM endpoints').all() as Array<Record<string, string | null>>;
    const update = statement(db, 'UPDATE endpoints SET secrets = @secrets, tls = @tls, headers = @headers, query = @query WHERE id = @id');
    const result: ResealResult = { endpoints: rows.length, values: 0, unreadable: [] };
    for (const row of rows) {
      const { values, count, unreadable } = resealRow(row, req.reseal);
      update.run({ ...values, id: row.id });
      result.values += count;
      if (unreadable) result.unreadable.push(row.id!);
    }
    statement(db,
      `INSERT INTO herald_settings (name, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(KEY_FINGERPRINT_SETTING, req.fingerprint, new Date().toISOString());
    return result;
  });
  return run.immediate();
}
