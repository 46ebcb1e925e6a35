import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { HERALD_BIN, freePort, spawnHerald, type SpawnedHerald, callHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';

warnIfNoPostgres('encryption key checks on PostgreSQL (test/e2e/encryption-key.test.ts)');

const TOKEN = 'encryption-key-test-token';
const MESSAGES = 12;
const newKey = () => randomBytes(32).toString('base64');

/** Runs a herald command that is expected to end (a refused start, migrate, rotate): its exit code and output. */
function runToExit(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD_BIN, ...args], {
      env: { ...process.env, HERALD_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`herald ${args[0]} did not exit within 60 s:\n${output}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** `herald serve` expected to refuse: it must exit non-zero, never listen, and name HERALD_ENCRYPTION_KEY. */
async function expectRefused(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const port = await freePort();
  const { code, output } = await runToExit([...args, '--port', String(port), '--host', '127.0.0.1'], env);
  expect(code, output).not.toBe(0);
  expect(code, output).not.toBeNull();
  expect(output).toContain('HERALD_ENCRYPTION_KEY');
  expect(output).not.toContain('Herald is running');
  return output;
}

const api = (url: string, method: string, path: string, body?: unknown) => callHerald(url, TOKEN, method, path, body);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.slice(name.length + 1)) : NaN;
}

async function stop(herald: SpawnedHerald): Promise<void> {
  herald.process.kill('SIGTERM');
  expect((await herald.exited).code).toBe(0);
}

interface Backend {
  name: string;
  /** `--database` args (none: SQLite in the data folder). */
  database(): string[];
  /** The key env of the first start: SQLite lets Herald generate its key into the data folder. */
  firstKey: string | undefined;
}

const pgSchemas: TestSchema[] = [];
const backends: Backend[] = [
  { name: 'SQLite', database: () => [], firstKey: undefined },
  ...(TEST_PG_URL
    ? [{
        name: 'PostgreSQL',
        database: () => {
          const schema = testSchema('enckey');
          pgSchemas.push(schema);
          return ['--database', schema.url];
        },
        firstKey: newKey(),
      }]
    : []),
];

describe.each(backends)('encryption key fail-safe: $name (real processes)', (backend) => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    for (const s of pgSchemas.splice(0)) await s.drop();
  });

  it('refuses a wrong key, delivers every accepted message once restarted with the right one, and rotates the key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-enckey-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const args = ['serve', '--data-dir', dataDir, ...backend.database(), '--allow-private-networks'];
    const baseEnv = { HERALD_ADMIN_TOKEN: TOKEN, HERALD_POLL_INTERVAL: '50ms', HERALD_RETRY_SCHEDULE: '200ms,200ms,300ms,500ms,1s,1s,2s,2s,2s,2s' };
    const rightKey = { ...baseEnv, HERALD_ENCRYPTION_KEY: backend.firstKey ?? '' };
    let running: SpawnedHerald | null = null;
    cleanup.push(() => void running?.process.kill('SIGKILL'));

    // The receiver is down while messages are published: they wait, retried, until it is back.
    const receiverPort = await freePort();
    running = await spawnHerald(args, rightKey);
    const app = (await api(running.url, 'POST', '/api/v1/apps', { name: 'keys' })).body;
    const endpoint = (await api(running.url, 'POST', `/api/v1/apps/${app.id}/endpoints`, {
      url: `http://127.0.0.1:${receiverPort}/hook`, headers: { 'x-tenant': 'acme' },
    })).body;
    expect(endpoint.secret).toMatch(/^whsec_/);
    const accepted: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const res = await api(running.url, 'POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'key.test', data: { i } });
      expect(res.status).toBe(202);
      accepted.push(res.body.id);
    }
    await stop(running);
    running = null;

    // Restarted with another key: refused, with an exit code and a message that says what to do.
    const wrong = { ...baseEnv, HERALD_ENCRYPTION_KEY: newKey() };
    const refusal = await expectRefused(args, wrong);
    expect(refusal).toMatch(/rotate-encryption-key/);
    const migrate = await runToExit(['migrate', '--data-dir', dataDir, ...args.slice(3, -1)], wrong);
    expect(migrate.code, migrate.output).not.toBe(0);
    expect(migrate.output).toContain('HERALD_ENCRYPTION_KEY');
    if (backend.name === 'PostgreSQL') {
      // Without any key, on a database that has one: refused, and no key is generated.
      const bare = mkdtempSync(join(tmpdir(), 'herald-enckey-bare-'));
      cleanup.push(() => rmSync(bare, { recursive: true, force: true }));
      await expectRefused(['serve', '--data-dir', bare, ...args.slice(3)], { ...baseEnv, HERALD_ENCRYPTION_KEY: '' });
      expect(existsSync(join(bare, 'encryption-key'))).toBe(false);
      const worker = await runToExit(['worker', '--data-dir', bare, ...args.slice(3, -1), '--allow-private-networks'], wrong);
      expect(worker.code, worker.output).not.toBe(0);
      expect(worker.output).toContain('HERALD_ENCRYPTION_KEY');
    }

    // The receiver is back; the right key: every accepted message arrives, signed, and nothing is left pending.
    const receiver: Receiver = await startReceiver(undefined, receiverPort);
    cleanup.push(() => receiver.close());
    running = await spawnHerald(args, rightKey);
    await eventually(() => new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size >= MESSAGES, 30_000);
    const wh = new Webhook(endpoint.secret);
    for (const req of receiver.requests) {
      wh.verify(req.body, req.headers);
      expect(req.headers['x-tenant']).toBe('acme');
    }
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(accepted));
    await eventually(async () => (await metric(running!.url, 'herald_pending_deliveries')) === 0, 30_000);

    // Rotation: refused while Herald runs; once it is stopped, every secret moves to the new key.
    const oldKey = backend.firstKey ?? readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim();
    const rotatedKey = backend.firstKey ? newKey() : undefined;
    const rotateArgs = ['rotate-encryption-key', '--data-dir', dataDir, ...args.slice(3, -1)];
    const rotateEnv = { HERALD_ENCRYPTION_KEY: backend.firstKey, HERALD_NEW_ENCRYPTION_KEY: rotatedKey };
    const whileRunning = await runToExit(rotateArgs, rotateEnv);
    expect(whileRunning.code, whileRunning.output).not.toBe(0);
    expect(whileRunning.output).toMatch(/running/);
    await stop(running);
    running = null;
    const rotated = await runToExit(rotateArgs, rotateEnv);
    expect(rotated.code, rotated.output).toBe(0);
    // SQLite kept its key in the data folder: the new key replaced it there.
    const nextKey = rotatedKey ?? readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim();
    expect(nextKey).not.toBe(oldKey);

    await expectRefused(args, { ...baseEnv, HERALD_ENCRYPTION_KEY: oldKey });
    running = await spawnHerald(args, { ...baseEnv, HERALD_ENCRYPTION_KEY: nextKey });
    expect((await api(running.url, 'GET', `/api/v1/apps/${app.id}/endpoints/${endpoint.id}/secret`)).body.secret).toBe(endpoint.secret);
    const after = await api(running.url, 'POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'key.rotated', data: { rotated: true } });
    expect(after.status).toBe(202);
    await eventually(() => receiver.requests.some((r) => r.headers['webhook-id'] === after.body.id), 30_000);
    const req = receiver.requests.find((r) => r.headers['webhook-id'] === after.body.id)!;
    expect(wh.verify(req.body, req.headers)).toMatchObject({ data: { rotated: true } });
    expect(req.headers['x-tenant']).toBe('acme');
    await stop(running);
    running = null;
  }, 240_000);
});
