import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { spawnHerald, type SpawnedHerald, callHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';

const TOKEN = 'crash-test-token';
const MESSAGES = 300;

// A real `herald serve` process on a SQLite file, as a user runs it: killed without warning
// while deliveries are in flight, then started again on the same file.
describe('durability across crashes and restarts', () => {
  let dataDir: string;
  let receiver: Receiver;
  let running: SpawnedHerald | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-crash-'));
    // Slow (8 concurrent × 200 ms ≈ 40/s) so most of the backlog is still pending when the process dies.
    receiver = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 200));
      return { status: 200 };
    });
  });
  afterAll(async () => {
    running?.process.kill('SIGKILL');
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    spawnHerald(['serve', '--data-dir', dataDir, '--allow-private-networks', '--endpoint-concurrency', '8'], {
      HERALD_ADMIN_TOKEN: TOKEN,
      HERALD_POLL_INTERVAL: '50ms',
    });

  const api = (url: string, method: string, path: string, body?: unknown) => callHerald(url, TOKEN, method, path, body);

  it('delivers every accepted message after a SIGKILL mid-flight, and after a graceful SIGTERM', async () => {
    running = await start();
    const app = (await api(running.url, 'POST', '/api/v1/apps', { name: 'crash' })).body;
    expect((await api(running.url, 'POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).status).toBe(201);

    // One batch: the whole backlog is accepted (and durable) before the first kill.
    const batch = await api(running.url, 'POST', `/api/v1/apps/${app.id}/messages/batch`, {
      messages: Array.from({ length: MESSAGES }, (_, i) => ({ eventType: 'crash.test', data: { i } })),
    });
    expect(batch.status).toBe(202);
    const accepted: string[] = batch.body.data.map((m: { id: string }) => m.id);
    // Kill while the backlog is being worked through.
    await receiver.waitFor(20, 20_000);
    running.process.kill('SIGKILL');
    const killed = await running.exited;
    expect(killed.signal).toBe('SIGKILL');
    const beforeRestart = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect(beforeRestart.size).toBeLessThan(MESSAGES);

    // Second run: stopped gracefully part-way; in-flight requests finish or are released.
    running = await start();
    await receiver.waitFor(receiver.requests.length + 20, 20_000);
    running.process.kill('SIGTERM');
    const stopped = await running.exited;
    expect(stopped.code).toBe(0);

    running = await start();
    const url = running.url;
    await eventually(
      async () => new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size === MESSAGES,
      30_000,
      100,
    );
    const received = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect([...received].sort()).toEqual([...accepted].sort());

    // Every message ends with a successful attempt recorded. A message that reached the receiver
    // before a kill may still be waiting for its redelivery, so this is checked as it settles.
    const sample = accepted.slice(0, 20);
    for (const msgId of sample) {
      await eventually(async () => {
        const attempts = await api(url, 'GET', `/api/v1/apps/${app.id}/messages/${msgId}/attempts`);
        return attempts.body.data.some((a: any) => a.status === 'success');
      }, 30_000, 100);
    }
    const duplicates = receiver.requests.length - MESSAGES;
    console.log(`crash-recovery: ${MESSAGES} messages, ${receiver.requests.length} requests received, ${duplicates} redeliveries`);
  }, 90_000);
});
