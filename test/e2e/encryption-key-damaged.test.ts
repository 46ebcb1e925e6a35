import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { startReceiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

warnIfNoPostgres('damaged endpoint rows on PostgreSQL (test/e2e/encryption-key-damaged.test.ts)');

/** A sealed value with the right shape whose authentication tag cannot match: a damaged row. */
const DAMAGED = 'enc:v1:AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA';

interface Backend {
  name: string;
  start(): Promise<{ herald: TestHerald; damage(endpointId: string): Promise<void>; schema?: TestSchema }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async start() {
      const herald = await startTestHerald({ database: null });
      return {
        herald,
        async damage(endpointId) {
          const db = new Database(join(herald.dataDir, 'herald.db'));
          db.pragma('busy_timeout = 5000');
          db.prepare('UPDATE endpoints SET secrets = ? WHERE id = ?').run(DAMAGED, endpointId);
          db.close();
        },
      };
    },
  },
  ...(TEST_PG_URL
    ? [{
        name: 'PostgreSQL',
        async start() {
          const schema = testSchema('damaged');
          const herald = await startTestHerald({ database: schema.url });
          return {
            herald,
            schema,
            async damage(endpointId: string) {
              await withPgClient((c) => c.query('UPDATE endpoints SET secrets = $1 WHERE id = $2', [DAMAGED, endpointId]), schema.name);
            },
          };
        },
      }]
    : []),
];

describe.each(backends)('an endpoint whose secret cannot be decrypted: $name', (backend) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('fails only its own deliveries, with a clear attempt error; listing, reading and deleting work; revealing answers a JSON error', async () => {
    const { herald, damage, schema } = await backend.start();
    cleanup.push(async () => {
      await herald.stop();
      await schema?.drop();
    });
    const healthyReceiver = await startReceiver();
    const damagedReceiver = await startReceiver();
    cleanup.push(() => healthyReceiver.close(), () => damagedReceiver.close());

    const app = (await herald.api('POST', '/api/v1/apps', { name: 'damage' })).body;
    const healthy = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: healthyReceiver.url })).body;
    const damaged = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: damagedReceiver.url })).body;
    await damage(damaged.id);

    // Each message goes to both endpoints: the same claims hold deliveries to each.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'damage.test', data: { i } });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const received = await healthyReceiver.waitFor(5, 20_000);
    const wh = new Webhook(healthy.secret);
    for (const req of received) wh.verify(req.body, req.headers);
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));

    const failed = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${damaged.id}/attempts`);
      return res.body.data?.length > 0 ? res.body.data : null;
    }, 20_000);
    expect(failed[0].status).toBe('failed');
    expect(failed[0].error).toMatch(/cannot decrypt this endpoint's secret/);
    expect(damagedReceiver.requests).toHaveLength(0);

    const list = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { id: string }) => e.id).sort()).toEqual([healthy.id, damaged.id].sort());
    const read = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${damaged.id}`);
    expect(read.status).toBe(200);
    expect(read.body.url).toBe(damagedReceiver.url);

    const reveal = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${damaged.id}/secret`);
    expect(reveal.status).toBe(409);
    expect(reveal.body.code).toBe('endpoint_unreadable');
    expect(reveal.body.message).toMatch(/cannot decrypt/);
    const edit = await herald.api('PATCH', `/api/v1/apps/${app.id}/endpoints/${damaged.id}`, { url: healthyReceiver.url });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('endpoint_unreadable');

    expect((await herald.api('DELETE', `/api/v1/apps/${app.id}/endpoints/${damaged.id}`)).status).toBe(204);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${damaged.id}`)).status).toBe(404);
  }, 60_000);
});
