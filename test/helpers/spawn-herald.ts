import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const HERALD_BIN = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface SpawnedHerald {
  url: string;
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code / signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs the built CLI as a real process, as a user would; resolves once it listens. */
export async function spawnHerald(args: string[], env: Record<string, string> = {}): Promise<SpawnedHerald> {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const port = await freePort();
  const child = spawn(process.execPath, [HERALD_BIN, ...args, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, HERALD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core CI machine a cold start (migrations, lease recovery) can be slow.
  const deadline = Date.now() + 60_000;
  while (!output.includes('Herald is running')) {
    if (child.exitCode !== null) throw new Error(`herald exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`herald did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, process: child, output: () => output, exited };
}

/** Calls a spawned Herald's API with `token`; answers the status and the parsed JSON body. */
export async function callHerald(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
