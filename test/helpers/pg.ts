import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL database tests may use (CI sets it); undefined: PostgreSQL tests are skipped. */
export const TEST_PG_URL = process.env.HERALD_TEST_PG_URL || undefined;

/** Says, once per file, that PostgreSQL tests are skipped and why; never skip silently. */
export function warnIfNoPostgres(what: string): void {
  if (!TEST_PG_URL) console.warn(`[skipped] ${what}: set HERALD_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it`);
}

export interface TestSchema {
  name: string;
  /** HERALD_TEST_PG_URL with `?schema=<name>`: give it to Herald as its database. */
  url: string;
  /** Drops the schema, or keeps it (and says so) when `keep` is true, e.g. after a failed test. */
  drop(keep?: boolean): Promise<void>;
}

/**
 * A fresh schema name for one test or test file; Herald's migrations create it. Dropped
 * afterwards, or kept when the test failed so its rows can be inspected with psql. With a
 * `key` (e.g. a data folder) the same key always names the same schema, so a Herald restarted
 * on it finds its data again.
 */
export function testSchema(label: string, key?: string): TestSchema {
  if (!TEST_PG_URL) throw new Error('HERALD_TEST_PG_URL is not set (needed by HERALD_TEST_STORE=postgres and PostgreSQL tests)');
  const suffix = key ? createHash('sha256').update(key).digest('hex').slice(0, 12) : randomBytes(4).toString('hex');
  const name = `herald_test_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}_${suffix}`;
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('schema', name);
  // Several Herald processes and tests share one server: keep each test's pool small.
  if (!url.searchParams.has('pool_size')) url.searchParams.set('pool_size', '4');
  return {
    name,
    url: url.toString(),
    async drop(keep = false) {
      if (keep) {
        console.warn(`[kept] PostgreSQL schema ${name} of a failed test, for inspection: psql "${TEST_PG_URL}" -c 'SET search_path = ${name}'`);
        return;
      }
      await withPgClient((c) => c.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
    },
  };
}

/** A short-lived direct connection for a test's own checks (search_path set to `schema`). */
export async function withPgClient<T>(work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, options: schema ? `-c search_path=${schema}` : undefined });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `slot`, so that heavy multi-process
 * tests in different vitest workers take turns instead of starving each other of CPU (the
 * rate-limit measurement cannot hold its ±10 % band while a scale-out run saturates the machine).
 */
export async function inExclusiveSlot<T>(slot: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`herald-test:${slot}`]);
    return await work();
  } finally {
    await client.end(); // ending the session releases the lock
  }
}
