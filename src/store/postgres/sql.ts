import type { Pool, PoolClient } from 'pg';

type Row = Record<string, unknown>;

// Column lists come from the row mappers' keys (code, never user input), so a field added to a
// mapper needs only its migration here, not a second hand-written column list.

/** `INSERT INTO table (a, b) VALUES ($1, $2)` and its values. */
export function insertStatement(table: string, row: Row): { text: string; values: unknown[] } {
  const columns = Object.keys(row);
  const params = columns.map((_, i) => `$${i + 1}`);
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params.join(', ')})`, values: Object.values(row) };
}

/** `UPDATE table SET a = $1, … WHERE k1 = $n AND k2 = $m`, leaving `keep` columns untouched. */
export function updateStatement(table: string, row: Row, keys: string[], keep: string[] = []): { text: string; values: unknown[] } {
  const set = Object.keys(row).filter((c) => !keys.includes(c) && !keep.includes(c));
  const values = [...set.map((c) => row[c]), ...keys.map((k) => row[k])];
  const assignments = set.map((c, i) => `${c} = $${i + 1}`).join(', ');
  const where = keys.map((k, i) => `${k} = $${set.length + i + 1}`).join(' AND ');
  return { text: `UPDATE ${table} SET ${assignments} WHERE ${where}`, values };
}

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // pg emits 'error' on a checked-out client whose connection dies (database restart); without a
  // listener that is an uncaught exception. The query in flight rejects anyway, so just mark it broken.
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dropped rather than handed to the next caller.
    await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
