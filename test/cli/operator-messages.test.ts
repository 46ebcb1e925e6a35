import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../../src/api/routes/dashboard.js';
import { testSchema, TEST_PG_URL, warnIfNoPostgres } from '../helpers/pg.js';
import { HERALD_BIN, spawnHerald } from '../helpers/spawn-herald.js';

// What the built binary tells an operator who deploys it: the lease margin is documented in
// --help, the start banner names the dashboard's URL, an API-only process says it delivers
// nothing, and `herald migrate` says which migrations it applied (on both stores).

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-operator-messages-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The environment without HERALD_* settings a developer's shell may hold. */
function cleanEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const name of Object.keys(env)) if (name.startsWith('HERALD_') && name !== 'HERALD_TEST_PG_URL') delete env[name];
  return env;
}

function herald(args: string[]) {
  const run = spawnSync(process.execPath, [HERALD_BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...cleanEnv(), HERALD_LOG_LEVEL: 'warn' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** Starts `herald serve`, stops it with SIGTERM and returns what it printed. */
async function bannerOf(args: string[]): Promise<{ output: string; url: string; dashboard: Response }> {
  const running = await spawnHerald(['serve', '--data-dir', dataDir(), ...args], { ...cleanEnv(), HERALD_ADMIN_TOKEN: 'operator-messages-token' });
  try {
    const dashboardUrl = /Dashboard: (\S+)/.exec(running.output())?.[1];
    expect(dashboardUrl, running.output()).toBe(`${running.url}/`);
    const dashboard = await fetch(dashboardUrl!);
    return { output: running.output(), url: running.url, dashboard };
  } finally {
    running.process.kill('SIGTERM');
    await running.exited;
  }
}

describe('herald serve --help and worker --help', () => {
  it('document --lease-margin with its environment variable', () => {
    for (const command of ['serve', 'worker']) {
      const help = herald([command, '--help']);
      expect(help.code).toBe(0);
      // commander wraps descriptions to the terminal's width.
      const flat = help.out.replace(/\s+/g, ' ');
      expect(flat).toMatch(/--lease-margin <duration> a claim \(lease\) lasts 2 × the endpoint timeout[^[]*\[HERALD_LEASE_MARGIN\]/);
    }
  });

  it('refuses a lease margin that is not a duration, naming the option', () => {
    const run = herald(['serve', '--lease-margin', 'soon', '--data-dir', dataDir()]);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/lease margin/i);
  });
});

describe('the start banner', () => {
  it('gives the dashboard URL, which serves the dashboard', async () => {
    const { output, dashboard } = await bannerOf([]);
    expect(dashboard.status).toBe(200);
    if (existsSync(join(DASHBOARD_DIR, 'index.html'))) {
      expect(dashboard.headers.get('content-type')).toMatch(/text\/html/);
      expect(await dashboard.text()).toMatch(/<script[^>]+src=/);
    } else {
      // Only tsc has run (vitest's global setup): the same route says the dashboard is not built.
      expect(await dashboard.json()).toMatchObject({ dashboard: expect.stringMatching(/not built/) });
    }
    // A process that delivers says nothing about not delivering.
    expect(output).not.toMatch(/delivers nothing/);
  });

  it('gives the public URL for the dashboard when one is configured', async () => {
    const running = await spawnHerald(['serve', '--data-dir', dataDir(), '--public-url', 'https://hooks.example.com/'], { ...cleanEnv(), HERALD_ADMIN_TOKEN: 'operator-messages-token' });
    running.process.kill('SIGTERM');
    await running.exited;
    expect(running.output()).toMatch(/Dashboard: https:\/\/hooks\.example\.com\/ /);
  });

  it('says that a --no-dispatcher process delivers nothing, and what does', async () => {
    const { output } = await bannerOf(['--no-dispatcher']);
    expect(output).toMatch(/This process delivers nothing \(--no-dispatcher\)/);
    expect(output).toMatch(/herald worker/);
  });

  it('says it for HERALD_DISPATCHER=0 too', async () => {
    const running = await spawnHerald(['serve', '--data-dir', dataDir()], { ...cleanEnv(), HERALD_ADMIN_TOKEN: 'operator-messages-token', HERALD_DISPATCHER: '0' });
    running.process.kill('SIGTERM');
    await running.exited;
    expect(running.output()).toMatch(/This process delivers nothing/);
  });
});

warnIfNoPostgres('herald migrate on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('herald migrate ($store)', ({ pg }) => {
  it('lists the migrations it applied, then says there was nothing left to apply', async () => {
    const schema = pg ? testSchema('migrate-report') : null;
    let passed = false;
    try {
      const args = ['migrate', ...(schema ? ['--database', schema.url] : ['--data-dir', dataDir()])];
      const first = herald(args);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      const applied = /^Applied (\d+) migrations:$/m.exec(first.out);
      expect(applied, first.out).not.toBeNull();
      const lines = [...first.out.matchAll(/^ {2}(\d+) (\S+)$/gm)].map((m) => Number(m[1]));
      expect(lines.length).toBe(Number(applied![1]));
      expect(lines[0]).toBe(1); // a new database starts at the first migration
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
      const latest = lines.at(-1)!;
      expect(first.out).toContain(`The schema is now at version ${latest}.`);
      expect(first.out).toMatch(/Herald database is up to date/);

      const second = herald(args);
      expect(second.code).toBe(0);
      expect(second.out).toContain(`No migration to apply: the schema is at version ${latest}.`);
      expect(second.out).not.toMatch(/^Applied/m);
      passed = true;
    } finally {
      await schema?.drop(!passed);
    }
  });
});
