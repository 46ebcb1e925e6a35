import type { Row } from './rows.js';

// The catalogue (src/store/catalogue) is written once, in PostgreSQL's spelling: `$1`, `$2::text`.
// Each backend hands it a runner that only adapts that spelling to its driver (SQLite: `?` in
// order of appearance, casts dropped, booleans as 1/0), as Kysely keeps one narrow dialect
// interface. The hot paths (claim, settle, publish) do not go through it: they stay in each
// backend's folder, written for that database.

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

export interface SqlRunner {
  /** The rows a statement returns (none for a write without RETURNING). */
  rows(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs writes in one transaction, in order. */
  runAll(statements: Statement[]): Promise<void>;
  /** A unique constraint refused the write (the caller answers with a conflict). */
  isUniqueViolation(err: unknown): boolean;
}

// Column lists come from the row mappers' keys (code, never user input), so a field added to a
// mapper needs only its migration, not a second hand-written column list.

/** `INSERT INTO table (a, b) VALUES ($1, $2)` and its values. */
export function insertInto(table: string, row: Row): Statement {
  const columns = Object.keys(row);
  const placeholders = columns.map((_, i) => `$${i + 1}`);
  return { sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, params: Object.values(row) };
}

/** `UPDATE table SET a = $1, … WHERE k1 = $n AND k2 = $m`, leaving `keep` columns untouched. */
export function updateOf(table: string, row: Row, keys: string[], keep: string[] = []): Statement {
  const set = Object.keys(row).filter((c) => !keys.includes(c) && !keep.includes(c));
  const params = [...set.map((c) => row[c]), ...keys.map((k) => row[k])];
  const assignments = set.map((c, i) => `${c} = $${i + 1}`).join(', ');
  const where = keys.map((k, i) => `${k} = $${set.length + i + 1}`).join(' AND ');
  return { sql: `UPDATE ${table} SET ${assignments} WHERE ${where}`, params };
}
