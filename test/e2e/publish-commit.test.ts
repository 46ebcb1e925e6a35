import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres } from '../helpers/pg.js';
import { spawnHerald } from '../helpers/spawn-herald.js';
import { eventually, startTestHerald } from '../helpers/test-herald.js';

// "202 only after commit": the acknowledgement of a publish is a promise that the message is stored.
// These tests hold the commit back with a lock taken from another database connection, and show
// that the 202 does not arrive until the lock is released, and that the message is then readable.
warnIfNoPostgres('202 only after commit on PostgreSQL');

const TOKEN = 'publish-commit-token';
const HOLD_MS = 1500;

interface Pending {
  arrivedAt: number | null;
  response: Promise<{ status: number; body: any }>;
}

function publish(url: string, token: string, appId: string): Pending {
  const pending: Pending = { arrivedAt: null, response: null as never };
  pending.response = fetch(`${url}/api/v1/apps/${appId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ eventType: 'order.paid', data: { orderId: 7 } }),
  }).then(async (res) => {
    pending.arrivedAt = Date.now();
    return { status: res.status, body: await res.json() };
  });
  return pending;
}

describe('202 only after commit (SQLite, a real process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-commit-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers a publish only once a write lock held by another connection is released', async () => {
    // --no-dispatcher: the publish is the only writer, so it is the publish that waits for the lock.
    // --no-audit-publishes: otherwise the call's audit entry, committed before the answer, would hold
    // the 202 back by itself, and a publish answered before its own commit would go unnoticed.
    // (better-sqlite3 waits for a lock synchronously, so Herald runs in a process of its own.)
    const herald = await spawnHerald(['serve', '--data-dir', dataDir, '--no-dispatcher', '--no-audit-publishes'], { HERALD_ADMIN_TOKEN: TOKEN });
    const lock = new Database(join(dataDir, 'herald.db'));
    try {
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const app = (await (await fetch(`${herald.url}/api/v1/apps`, { method: 'POST', headers: auth, body: '{"name":"commit"}' })).json()) as { id: string };

      lock.exec('BEGIN IMMEDIATE'); // SQLite's write lock, as a long-running writer would hold it
      const pending = publish(herald.url, TOKEN, app.id);
      await new Promise((r) => setTimeout(r, HOLD_MS));
      expect(pending.arrivedAt, 'the publish was answered while its commit could not happen').toBeNull();
      const releasedAt = Date.now();
      lock.exec('COMMIT');

      const res = await pending.response;
      expect(res.status).toBe(202);
      expect(pending.arrivedAt!).toBeGreaterThanOrEqual(releasedAt);
      // Positive control: Herald took the request in while the lock was held (it dates the message
      // on arrival), so the wait above was the commit's and not a slow start.
      expect(Date.parse(res.body.createdAt)).toBeLessThan(releasedAt);
      const read = await fetch(`${herald.url}/api/v1/apps/${app.id}/messages/${res.body.id}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { data: unknown }).data).toEqual({ orderId: 7 });
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
      herald.process.kill('SIGTERM');
      await herald.exited;
    }
  });
});

describe.skipIf(!TEST_PG_URL)('202 only after commit (PostgreSQL)', () => {
  it('answers a publish only once a lock on the messages table held by another session is released', async () => {
    const schema = testSchema('publish_commit');
    // Without publish auditing, as above: only the publish's own commit may hold its answer back.
    const herald = await startTestHerald({ database: schema.url, auditPublishes: false });
    const session = new pg.Client({ connectionString: TEST_PG_URL });
    await session.connect();
    try {
      const app = (await herald.api('POST', '/api/v1/apps', { name: 'commit' })).body;
      await session.query('BEGIN');
      // SHARE mode: reads go on, inserts (ROW EXCLUSIVE) wait.
      await session.query(`LOCK TABLE "${schema.name}".messages IN SHARE MODE`);
      const pending = publish(herald.url, herald.token, app.id);
      // Positive control: Herald's INSERT is really waiting on this lock…
      await eventually(async () => {
        const { rows } = await session.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
          [`"${schema.name}".messages`],
        );
        return rows[0].n > 0;
      });
      // …and has not been answered.
      expect(pending.arrivedAt, 'the publish was answered while its INSERT waited for a lock').toBeNull();
      await session.query('COMMIT');
      const res = await pending.response;
      expect(res.status).toBe(202);
      expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages/${res.body.id}`)).status).toBe(200);
    } finally {
      await session.query('ROLLBACK').catch(() => undefined);
      await session.end();
      await herald.stop();
      await schema.drop();
    }
  });
});
