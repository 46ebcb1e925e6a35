import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { freePort, HERALD_BIN, spawnHerald } from '../helpers/spawn-herald.js';

// What `herald serve` tells its operator at start, checked on the real built binary: the generated
// admin token is shown once (README: "on the first start ... prints it"), and listening beyond
// loopback with a guessable admin token or without --public-url is warned about.

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-serve-output-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The environment without anything that would configure the token, key or host from outside. */
function cleanEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const name of ['HERALD_ADMIN_TOKEN', 'HERALD_ENCRYPTION_KEY', 'HERALD_HOST', 'HERALD_PUBLIC_URL', 'HERALD_DATABASE_URL', 'HERALD_CONFIG']) delete env[name];
  return env;
}

/** Starts `herald serve` with these flags, stops it once it is up, and returns all it printed. */
async function startOutput(args: string[], env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [HERALD_BIN, 'serve', '--port', String(port), ...args], {
    env: { ...cleanEnv(), HERALD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Try:')) {
    if (child.exitCode !== null) throw new Error(`herald exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`herald did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGTERM');
  // Read only once the process is gone: then everything it wrote is in, warnings included.
  expect(await exited, output).toBe('exit 0');
  return output;
}

describe('the generated admin token', () => {
  it('is printed on the first start only; later starts say where it is', async () => {
    const dir = dataDir();
    const env = cleanEnv();
    const first = await spawnHerald(['serve', '--data-dir', dir], env);
    first.process.kill('SIGTERM');
    await first.exited;
    const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    expect(token).toMatch(/^hrld_admin_/);
    expect(first.output()).toContain(token);

    const second = await spawnHerald(['serve', '--data-dir', dir], env);
    second.process.kill('SIGTERM');
    await second.exited;
    expect(second.output()).toContain('Herald is running');
    expect(second.output()).not.toContain(token);
    expect(second.output()).toContain(join(dir, 'admin-token'));
  });
});

describe('start-up warnings beyond loopback', () => {
  const GOOD_TOKEN = 'x'.repeat(40);
  const EXPOSURE_WARNING = /admin token is \d+ characters|without --public-url/;

  it('warns about a short admin token on --host 0.0.0.0, saying why and what to do', async () => {
    const out = await startOutput(['--host', '0.0.0.0', '--data-dir', dataDir(), '--public-url', 'https://hooks.example.com'], { HERALD_ADMIN_TOKEN: 'my-admin-token' });
    expect(out).toMatch(/"level":40.*admin token is 14 characters/); // logged as a warning
    expect(out).toMatch(/Warning: .*admin token is 14 characters/); // and shown in the banner
    expect(out).toMatch(/at least 32/);
    expect(out).not.toContain('my-admin-token'); // the warning never repeats the token
    expect(out).not.toMatch(/--public-url/);
  });

  it('warns when --public-url is missing on a non-loopback host', async () => {
    const out = await startOutput(['--host', '0.0.0.0', '--data-dir', dataDir()], { HERALD_ADMIN_TOKEN: GOOD_TOKEN });
    expect(out).toMatch(/--public-url/);
    expect(out).toMatch(/HERALD_PUBLIC_URL/);
    expect(out).not.toMatch(/admin token is \d+ characters/);
  });

  it('says nothing on loopback, or with a long token and a public URL', async () => {
    const loopback = await startOutput(['--host', '127.0.0.1', '--data-dir', dataDir()], { HERALD_ADMIN_TOKEN: 'short' });
    expect(loopback).not.toMatch(EXPOSURE_WARNING);
    const configured = await startOutput(['--host', '0.0.0.0', '--data-dir', dataDir(), '--public-url', 'https://hooks.example.com'], { HERALD_ADMIN_TOKEN: GOOD_TOKEN });
    expect(configured).not.toMatch(EXPOSURE_WARNING);
    // A generated token is long enough.
    const generated = await startOutput(['--host', '0.0.0.0', '--data-dir', dataDir(), '--public-url', 'https://hooks.example.com']);
    expect(generated).not.toMatch(EXPOSURE_WARNING);
  });
});
