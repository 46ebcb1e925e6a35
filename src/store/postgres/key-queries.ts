import type { Pool } from 'pg';
import {
  KEY_FINGERPRINT_SETTING, LiveProcessesError, resealRow, toProcess, type ProcessRecord, type ResealRequest, type ResealResult,
} from '../key-records.js';
import { inTransaction } from './sql.js';

// The encryption key's records (see key-records.ts). Only read at start-up and by the rotate
// command, never on the delivery path.

export async function pgKeyFingerprint(pool: Pool): Promise<string | null> {
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM herald_settings WHERE name = $1', [KEY_FINGERPRINT_SETTING]);
  return rows[0]?.value ?? null;
}

export async function pgRecordKeyFingerprint(pool: Pool, fingerprint: string): Promise<string> {
  await pool.query(
    'INSERT INTO herald_settings (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [KEY_FINGERPRINT_SETTING, fingerprint, new Date().toISOString()],
  );
  return (await pgKeyFingerprint(pool))!;
}

export async function pgSampleSealedValues(pool: Pool, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ secrets: string }>(`SELECT secrets FROM endpoints WHERE secrets LIKE 'enc:v1:%' LIMIT $1`, [limit]);
  return rows.map((r) => r.secrets);
}

export async function pgRegisterProcess(pool: Pool, p: ProcessRecord): Promise<void> {
  await pool.query(
    `INSERT INTO herald_processes (id, role, host, pid, started_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
    [p.id, p.role, p.host, p.pid, p.startedAt, p.seenAt],
  );
}

export async function pgUnregisterProcess(pool: Pool, id: string): Promise<void> {
  await pool.query('DELETE FROM herald_processes WHERE id = $1', [id]);
}

/**
 * The table lock makes a process that starts meanwhile wait with its registration until this
 * commits; it then reads the new fingerprint and refuses its old key. Endpoint rows are locked so
 * that nothing else rewrites them between the read and the update.
 */
export async function pgResealAll(pool: Pool, req: ResealRequest): Promise<ResealResult> {
  return inTransaction(pool, async (client) => {
    await client.query('LOCK TABLE herald_processes IN EXCLUSIVE MODE');
    const live = (await client.query('SELECT * FROM herald_processes WHERE seen_at >= $1', [req.liveSince])).rows.map(toProcess);
    if (live.length > 0) throw new LiveProcessesError(live, Date.now());
    const { rows } = await client.query<Record<string, string | null>>('SELECT id, secrets, tls, headers, query FROM endpoints FOR UPDATE');
    const result: ResealResult = { endpoints: rows.length, values: 0, unreadable: [] };
    for (const row of rows) {
      const { values, count, unreadable } = resealRow(row, req.reseal);
      await client.query('UPDATE endpoints SET secrets = $1, tls = $2, headers = $3, query = $4 WHERE id = $5', [
        values.secrets, values.tls, values.headers, values.query, row.id,
      ]);
      result.values += count;
      if (unreadable) result.unreadable.push(row.id!);
    }
    await client.query(
      `INSERT INTO herald_settings (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [KEY_FINGERPRINT_SETTING, req.fingerprint, new Date().toISOString()],
    );
    return result;
  });
}
