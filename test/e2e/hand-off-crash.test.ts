import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { callHerald, spawnHerald, type SpawnedHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';

// A message published one per request is handed to the local delivery loop straight from its
// publish, leased to it (src/store/hand-off.ts), not claimed back from the database. A `herald
// serve` killed while those deliveries are in flight must still deliver every accepted message
// once started again: with SQLite at once (the leases were in memory), with PostgreSQL when the
// leases written by the publish run out.

const TOKEN = 'hand-off-crash-token';
const MESSAGES = 40;
const KEY = Buffer.alloc(32, 7).toString('base64');

warnIfNoPostgres('hand-off crash test on PostgreSQL');
const stores: Array<{ name: string; schema: TestSchema | null }> = [{ name: 'SQLite', schema: null }];
if (TEST_PG_URL) stores.push({ name: 'PostgreSQL', schema: testSchema('hand_off_crash') });

describe.each(stores)('hand-off survives a crash: $name', ({ schema }) => {
  const database = schema?.url;
  let failed = true;
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-hand-off-crash-'));
  let receiver: Receiver | null = null;
  let running: SpawnedHerald | null = null;
  afterAll(async () => {
    running?.process.kill('SIGKILL');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop(failed);
  });

  const start = () =>
    spawnHerald(['serve', '--data-dir', dataDir, '--allow-private-networks', '--lease-margin', '1s'], {
      HERALD_ADMIN_TOKEN: TOKEN,
      HERALD_ENCRYPTION_KEY: KEY,
      HERALD_POLL_INTERVAL: '100ms',
      HERALD_TOKEN_RATE_LIMIT: '0',
      ...(database ? { HERALD_DATABASE: database } : {}),
    });
  const call = (method: string, path: string, body?: unknown) => callHerald(running!.url, TOKEN, method, path, body);

  it('delivers every accepted message after a SIGKILL with all of them in flight', async () => {
    // The first process's requests are never answered: every delivery is in flight when it dies.
    let answering = false;
    receiver = await startReceiver(async () => {
      while (!answering) await new Promise((r) => setTimeout(r, 50));
      return { status: 200 };
    });
    running = await start();
    const app = (await call('POST', '/api/v1/apps', { name: 'hand-off' })).body;
    expect((await call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, timeout: 'PT3S' })).status).toBe(201);

    const accepted = await Promise.all(
      Array.from({ length: MESSAGES }, async (_, i) => {
        const res = await call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'hand.off', data: { i } });
        expect(res.status).toBe(202);
        return res.body.id as string;
      }),
    );
    // Every one in flight (the receiver answers none of them, so waitFor, which counts answers, cannot be used).
    await eventually(() => receiver!.requests.length >= MESSAGES, 20_000);
    running.process.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    const seenBefore = receiver.requests.length;

    answering = true;
    running = await start();
    await eventually(async () => {
      const states = await Promise.all(accepted.map(async (id) => (await call('GET', `/api/v1/apps/${app.id}/messages/${id}/attempts`)).body.data));
      return states.every((attempts: Array<{ status: string }>) => attempts.some((a) => a.status === 'success'));
    }, 30_000, 200);
    const received = new Set(receiver.requests.slice(seenBefore).map((r) => r.headers['webhook-id']));
    expect([...received].sort()).toEqual([...accepted].sort());
    failed = false;
  }, 90_000);
});
