import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { spawnHerald, type SpawnedHerald, callHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Ten SIGKILLs at random moments of a real `herald serve` process on one SQLite data folder,
// while publishers keep publishing and a receiver keeps receiving. Whatever the moment, every
// message that was answered 202 must reach the receiver at least once (duplicates are allowed:
// at-least-once), once Herald is started again on the same folder.

const TOKEN = 'crash-random-token';
const KILLS = 10;
const PUBLISHERS = 3;
/** Publisher 0 publishes batches of this many (one transaction each); the others one at a time. */
const BATCH = 25;

let dataDir: string;
let receiver: Receiver;
let running: SpawnedHerald | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const start = () =>
  spawnHerald(['serve', '--data-dir', dataDir, '--allow-private-networks'], {
    HERALD_ADMIN_TOKEN: TOKEN,
    HERALD_POLL_INTERVAL: '50ms',
    HERALD_TOKEN_RATE_LIMIT: '0',
  });

const call = (url: string, method: string, path: string, body?: unknown) => callHerald(url, TOKEN, method, path, body);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'herald-crash-random-'));
  // A little latency per request, so kills often land with requests in flight.
  receiver = await startReceiver(async () => {
    await sleep(Math.floor(Math.random() * 20));
    return { status: 200 };
  });
});
afterAll(async () => {
  running?.process.kill('SIGKILL');
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it(`delivers every accepted message after ${KILLS} SIGKILLs at random moments`, async () => {
  running = await start();
  const app = (await call(running.url, 'POST', '/api/v1/apps', { name: 'crash-random' })).body;
  expect((await call(running.url, 'POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).status).toBe(201);

  // Publishers run across kills and restarts; only a 202 counts as accepted. A request cut off
  // by the kill may or may not have been stored: it is not counted, and may still be delivered.
  const accepted = new Set<string>();
  /** Accepted messages per process lifetime (generation 0 is the first process). */
  const acceptedBy: number[] = [0];
  let generation = 0;
  let refused = 0;
  let publishing = true;
  const publisher = async (n: number) => {
    for (let i = 0; publishing; i++) {
      const url = running?.url;
      const by = generation;
      try {
        if (!url) throw new Error('down');
        if (n === 0) {
          const messages = Array.from({ length: BATCH }, (_, j) => ({ eventType: 'crash.random', data: { publisher: n, i, j } }));
          const res = await call(url, 'POST', `/api/v1/apps/${app.id}/messages/batch`, { messages });
          if (res.status === 202) for (const m of res.body.data) accepted.add(m.id);
          else refused++;
          if (res.status === 202) acceptedBy[by] = (acceptedBy[by] ?? 0) + res.body.data.length;
        } else {
          const res = await call(url, 'POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'crash.random', data: { publisher: n, i } });
          if (res.status === 202) accepted.add(res.body.id);
          else refused++;
          if (res.status === 202) acceptedBy[by] = (acceptedBy[by] ?? 0) + 1;
        }
      } catch {
        await sleep(10); // killed or restarting
      }
    }
  };
  const publishers = Array.from({ length: PUBLISHERS }, (_, n) => publisher(n));

  const delays: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    // Not vacuous by construction: each process is killed only after it has accepted work, then at a
    // random moment within the next 0.1–0.8 s while publishing goes on.
    await eventually(() => (acceptedBy[generation] ?? 0) > 0, 30_000);
    const delay = 100 + Math.floor(Math.random() * 701);
    delays.push(delay);
    await sleep(delay);
    const victim = running!;
    running = null;
    victim.process.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    generation++;
    running = await start();
  }
  publishing = false;
  await Promise.all(publishers);

  // The last process, left running, works through whatever every earlier one left behind.
  // One set per look, not one per message: the receiver runs in this process, and rebuilding the
  // set for each of 10,000+ ids stalled it for seconds, which held Herald's requests in flight.
  const notArrived = () => {
    const received = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    return [...accepted].filter((id) => !received.has(id));
  };
  await eventually(() => notArrived().length === 0, 40_000, 100).catch((err) => {
    const missing = notArrived();
    throw new Error(`${(err as Error).message}: ${missing.length} of ${accepted.size} accepted messages never arrived, e.g. ${missing.slice(0, 5).join(', ')}`);
  });

  const perId = new Map<string, number>();
  for (const r of receiver.requests) perId.set(r.headers['webhook-id']!, (perId.get(r.headers['webhook-id']!) ?? 0) + 1);
  const duplicates = receiver.requests.length - perId.size;
  const unacknowledged = [...perId.keys()].filter((id) => !accepted.has(id)).length;
  // Every killed process had accepted messages of its own before its kill.
  expect(acceptedBy.slice(0, KILLS).every((n) => n > 0), `accepted per process: ${acceptedBy.join(', ')}`).toBe(true);
  expect(refused).toBe(0);
  console.log(
    `crash-random: ${KILLS} SIGKILLs after ${delays.join(', ')} ms; ${accepted.size} messages accepted (202), ` +
    `${receiver.requests.length} requests received for ${perId.size} distinct messages: ${duplicates} duplicate deliveries ` +
    `(${((duplicates / perId.size) * 100).toFixed(2)}%, ${(duplicates / KILLS).toFixed(1)} per kill); ${unacknowledged} delivered message(s) whose 202 was cut off by a kill`,
  );
  // ~40 s on an idle 2-core machine, nearly all of it the eleven process start-ups; the limit
  // leaves room for a machine busy with other test files.
}, 150_000);
