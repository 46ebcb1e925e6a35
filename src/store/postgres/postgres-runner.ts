import type { Pool } from 'pg';
import type { Row } from '../rows.js';
import type { SqlRunner, Statement } from '../sql-runner.js';
import { isUniqueViolation } from './connection.js';
import { inTransaction } from './sql.js';

/** The shared catalogue's SQL on pg: already in PostgreSQL's spelling (see sql-runner.ts). */
export class PostgresRunner implements SqlRunner {
  constructor(private readonly pool: Pool) {}

  async rows(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params as unknown[])).rows;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params as unknown[])).rowCount ?? 0;
  }

  runAll(statements: Statement[]): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      for (const s of statements) await client.query(s.sql, s.params as unknown[]);
    });
  }

  isUniqueViolation(err: unknown): boolean {
    return isUniqueViolation(err);
  }
}
