import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, HERALD_BIN } from '../helpers/spawn-herald.js';

// Real Herald processes from the built CLI, several sharing one PostgreSQL schema, as a
// deployment runs them: `serve --no-dispatcher` for the API and any number of `worker`s.

const BUILT_WORKER = fileURLToPath(new URL('../../dist/cli/worker-command.js', import.meta.url));

export const ADMIN_TOKEN = 'scale-out-admin-token';

export interface HeraldProcess {
  name: string;
  /** Where /readyz answers (the API for serve, the health port for a worker). */
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Cluster {
  api: HeraldProcess;
  workers: HeraldProcess[];
  /** Calls the API as the admin. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** Starts `serve --no-dispatcher` and `workers` workers together on `database` (they migrate once between them). */
export async function startCluster(database: string, workers: number, workerArgs: string[] = []): Promise<Cluster> {
  if (!existsSync(BUILT_WORKER)) throw new Error('dist/ has no `herald worker`: run `npm run build` (npm test does it first)');
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-scale-'));
  // Every process sharing a database must share the key that seals endpoint secrets.
  const env = {
    HERALD_DATABASE: database,
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
    HERALD_ALLOW_PRIVATE_NETWORKS: '1',
    HERALD_LOG_LEVEL: 'warn',
    HERALD_DATA_DIR: dataDir,
  };
  const apiPort = await freePort();
  const started = await Promise.all([
    launch('api', ['serve', '--no-dispatcher', '--host', '127.0.0.1', '--port', String(apiPort)], env, apiPort),
    ...Array.from({ length: workers }, async (_, i) => {
      const port = await freePort();
      return launch(`worker-${i + 1}`, ['worker', '--host', '127.0.0.1', '--health-port', String(port), ...workerArgs], env, port);
    }),
  ]);
  const [api, ...rest] = started;
  return {
    api: api!,
    workers: rest,
    async call(method, path, body) {
      const res = await fetch(api!.url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      await Promise.all(started.map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(name: string, args: string[], env: Record<string, string>, port: number): Promise<HeraldProcess> {
  const child = spawn(process.execPath, [HERALD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  // Generous: several processes start at once, on a machine that may be busy with other tests.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited early:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, url, child, output: () => output, exited };
}

/** Runs `task` over `items` with at most `concurrency` at once; results in input order. */
export async function mapConcurrently<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!, i);
      }
    }),
  );
  return results;
}
