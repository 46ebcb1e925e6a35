import type { Pool } from 'pg';
import { SET_KEY_FINGERPRINT } from '../catalogue/operation-records.js';
import { KEY_FINGERPRINT_SETTING, LiveProcessesError, resealRow, toProcess, type ResealRequest, type ResealResult } from '../key-records.js';
import { inTransaction } from './sql.js';

// Re-sealing every endpoint value under a new key (see key-records.ts; the other key records are
// shared: catalogue/operation-records.ts). Run by the rotate command only.

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
    await client.query(SET_KEY_FINGERPRINT, [KEY_FINGERPRINT_SETTING, req.fingerprint, new Date().toISOString()]);
    return result;
  });
}
