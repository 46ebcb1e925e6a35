import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Svix's idempotency-key kept in the store (migration 21): the answer to a POST is replayed by
// another Herald process sharing the PostgreSQL database, and by a restarted Herald on either
// store; concurrent requests with one key act once. (test/e2e/svix-resources.test.ts covers the
// replay, 409 and racing retries within one process on both stores.)

warnIfNoPostgres('Svix idempotency keys across Herald processes on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

const svixApi = (h: TestHerald, body: unknown, key: string, path = '/api/v1/app') => h.api('POST', path, body, { 'idempotency-key': key });
const appsNamed = async (h: TestHerald, name: string) =>
  (await h.api('GET', '/api/v1/app?limit=250')).body.data.filter((a: { name: string }) => a.name === name);

describe.skipIf(!TEST_PG_URL)('Svix idempotency-key across two Herald processes on one PostgreSQL database', () => {
  let schema: TestSchema;
  let a: TestHerald;
  let b: TestHerald;

  beforeAll(async () => {
    schema = testSchema('svix-idempotency');
    // Two processes on one database share its encryption key, as deployments do.
    const shared = { database: schema.url, tokenRateLimit: 0, encryptionKey: randomBytes(32).toString('base64') };
    a = await startTestHerald(shared);
    b = await startTestHerald(shared);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await schema?.drop();
  });

  it('replays on the other process the first answer (status, body, idempotent-replayed), and refuses another body with 409', async () => {
    const first = await svixApi(a, { name: 'Behind a balancer', uid: 'balanced' }, 'key-lb-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await svixApi(b, { name: 'Behind a balancer', uid: 'balanced' }, 'key-lb-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await appsNamed(a, 'Behind a balancer')).toHaveLength(1);

    const other = await svixApi(b, { name: 'Something else' }, 'key-lb-1');
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ code: 'conflict', detail: expect.stringContaining('different request') });
    expect(await appsNamed(a, 'Something else')).toHaveLength(0);
  });

  it('through the svix SDK: a create retried on the other process with its idempotency key returns the same application', async () => {
    const viaA = new Svix(a.token, { serverUrl: a.url });
    const viaB = new Svix(b.token, { serverUrl: b.url });
    const created = await viaA.application.create({ name: 'SDK retry' }, { idempotencyKey: 'sdk-key-1' });
    const retried = await viaB.application.create({ name: 'SDK retry' }, { idempotencyKey: 'sdk-key-1' });
    expect(retried.id).toBe(created.id);
    expect(await appsNamed(b, 'SDK retry')).toHaveLength(1);
  });

  it('acts once for concurrent requests with one key spread over both processes; the others get its answer or 409 in progress', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => svixApi(i % 2 ? b : a, { name: 'Racing across' }, 'key-race')));
    expect(await appsNamed(a, 'Racing across')).toHaveLength(1);
    const created = answers.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of answers.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.detail).toContain('in progress');
    }
  });

  it('keeps keys per app: an app token\'s key does not replay the admin\'s answer', async () => {
    const app = (await svixApi(a, { name: 'Scoped' }, 'key-scope-app')).body;
    const token = (await a.api('POST', `/api/v1/apps/${app.id}/tokens`, { name: 'backend' })).body.token as string;
    const asApp = (h: TestHerald, key: string) => fetch(`${h.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ url: 'https://example.com/hook' }),
    });
    const admin = await svixApi(a, { url: 'https://example.com/hook' }, 'shared-key', `/api/v1/app/${app.id}/endpoint`);
    const byApp = await asApp(b, 'shared-key');
    expect(byApp.status).toBe(201);
    expect(byApp.headers.get('idempotent-replayed')).toBeNull();
    const endpointId = ((await byApp.json()) as { id: string }).id;
    expect(endpointId).not.toBe(admin.body.id);
    const appRetry = await asApp(a, 'shared-key');
    expect(appRetry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await appRetry.json()) as { id: string }).id).toBe(endpointId);
  });
});

describe.each(stores)('Svix idempotency-key after a restart ($store)', ({ pg }) => {
  let schema: TestSchema | null;
  let dataDir: string;
  let herald: TestHerald | null = null;

  beforeAll(() => {
    schema = pg ? testSchema('svix-idempotency-restart') : null;
    dataDir = mkdtempSync(join(tmpdir(), 'herald-idempotency-'));
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => startTestHerald({ dataDir, ...(schema ? { database: schema.url } : {}) });

  it('answers a retry after the restart from the store, instead of creating a second application', async () => {
    herald = await start();
    const first = await svixApi(herald, { name: 'Before restart' }, 'key-restart');
    expect(first.status).toBe(201);
    await herald.stop();
    herald = await start();
    const retry = await svixApi(herald, { name: 'Before restart' }, 'key-restart');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await appsNamed(herald, 'Before restart')).toHaveLength(1);
  });
});
