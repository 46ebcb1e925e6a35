import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { SqlRunner, Statement } from '../sql-runner.js';

/** `$3` or `$3::text[]`: a PostgreSQL placeholder and its cast. */
const PLACEHOLDER = /\$(\d+)(?:::[a-z0-9_]+(?:\[\])?)?/gi;

interface Compiled {
  statement: Database.Statement;
  /** For each `?` in order, which parameter (0-based) it takes. */
  order: number[];
}

const bindable = (v: unknown): unknown => (v === true ? 1 : v === false ? 0 : v === undefined ? null : v);

/**
 * The shared catalogue's SQL on better-sqlite3 (see sql-runner.ts). Synchronous underneath:
 * the `…Sync` methods serve this folder's own transactions. Each statement is prepared once.
 */
export class SqliteRunner implements SqlRunner {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly db: Database.Database) {}

  private compile(sql: string): Compiled {
    let c = this.compiled.get(sql);
    if (!c) {
      const order: number[] = [];
      const text = sql.replace(PLACEHOLDER, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      });
      c = { statement: this.db.prepare(text), order };
      this.compiled.set(sql, c);
    }
    return c;
  }

  private bound(sql: string, params: readonly unknown[]): [Database.Statement, unknown[]] {
    const c = this.compile(sql);
    return [c.statement, c.order.map((i) => bindable(params[i]))];
  }

  rowsSync(sql: string, params: readonly unknown[] = []): Row[] {
    const [statement, values] = this.bound(sql, params);
    if (statement.reader) return statement.all(...values) as Row[];
    statement.run(...values);
    return [];
  }

  runSync(sql: string, params: readonly unknown[] = []): number {
    const [statement, values] = this.bound(sql, params);
    return statement.run(...values).changes;
  }

  async rows(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.rowsSync(sql, params);
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.runSync(sql, params);
  }

  async runAll(statements: Statement[]): Promise<void> {
    this.db.transaction(() => {
      for (const s of statements) this.runSync(s.sql, s.params);
    }).immediate();
  }

  isUniqueViolation(err: unknown): boolean {
    return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
  }
}
