import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { startReceiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

warnIfNoPostgres('endpoint headers and query sealed at rest on PostgreSQL (test/e2e/encryption-key-at-rest.test.ts)');

type Raw = { headers: string; query: string };

interface Backend {
  name: string;
  start(): Promise<{ herald: TestHerald; schema?: TestSchema; raw(id: string): Promise<Raw>; write(id: string, row: Raw): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async start() {
      const herald = await startTestHerald({ database: null });
      const withDb = <T>(work: (db: Database.Database) => T): T => {
        const db = new Database(join(herald.dataDir, 'herald.db'));
        db.pragma('busy_timeout = 5000');
        try {
          return work(db);
        } finally {
          db.close();
        }
      };
      return {
        herald,
        raw: async (id) => withDb((db) => db.prepare('SELECT headers, query FROM endpoints WHERE id = ?').get(id) as Raw),
        write: async (id, row) => void withDb((db) => db.prepare('UPDATE endpoints SET headers = ?, query = ? WHERE id = ?').run(row.headers, row.query, id)),
      };
    },
  },
  ...(TEST_PG_URL
    ? [{
        name: 'PostgreSQL',
        async start() {
          const schema = testSchema('at_rest');
          const herald = await startTestHerald({ database: schema.url });
          return {
            herald,
            schema,
            raw: (id: string) =>
              withPgClient(async (c) => (await c.query('SELECT headers, query FROM endpoints WHERE id = $1', [id])).rows[0] as Raw, schema.name),
            write: async (id: string, row: Raw) =>
              void (await withPgClient((c) => c.query('UPDATE endpoints SET headers = $1, query = $2 WHERE id = $3', [row.headers, row.query, id]), schema.name)),
          };
        },
      }]
    : []),
];

describe.each(backends)('endpoint headers and query parameters at rest: $name', (backend) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('are sealed in the database, still sent, and rows written in plain text by older versions keep working', async () => {
    const { herald, schema, raw, write } = await backend.start();
    const receiver = await startReceiver();
    cleanup.push(async () => {
      await receiver.close();
      await herald.stop();
      await schema?.drop();
    });
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'at-rest' })).body;
    const sealed = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, {
      url: `${receiver.url}/sealed`, headers: { 'x-api-key': 'hdr-secret-7f3a' }, query: { token: 'qry-secret-9b2c' },
    })).body;
    const stored = await raw(sealed.id);
    for (const value of [stored.headers, stored.query]) {
      expect(value.startsWith('enc:v1:')).toBe(true);
      expect(value).not.toMatch(/hdr-secret-7f3a|qry-secret-9b2c|x-api-key|token/);
    }

    // As a Herald from before this change wrote them: plain JSON.
    const legacy = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/legacy` })).body;
    await write(legacy.id, { headers: '{"x-legacy":"plain-1"}', query: '{"l":"1"}' });
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${legacy.id}`)).body).toMatchObject({
      headers: { 'x-legacy': 'plain-1' }, query: { l: '1' },
    });

    await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'rest.test', data: {} });
    const requests = await receiver.waitFor(2);
    const toSealed = requests.find((r) => r.url.startsWith('/sealed'))!;
    expect(toSealed.headers['x-api-key']).toBe('hdr-secret-7f3a');
    expect(toSealed.url).toContain('token=qry-secret-9b2c');
    const toLegacy = requests.find((r) => r.url.startsWith('/legacy'))!;
    expect(toLegacy.headers['x-legacy']).toBe('plain-1');
    expect(toLegacy.url).toContain('l=1');

    // Its next write seals it.
    expect((await herald.api('PATCH', `/api/v1/apps/${app.id}/endpoints/${legacy.id}`, { name: 'renamed' })).status).toBe(200);
    const resealed = await raw(legacy.id);
    expect(resealed.headers.startsWith('enc:v1:')).toBe(true);
    expect(resealed.query.startsWith('enc:v1:')).toBe(true);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${legacy.id}`)).body).toMatchObject({
      name: 'renamed', headers: { 'x-legacy': 'plain-1' }, query: { l: '1' },
    });
  }, 60_000);
});
