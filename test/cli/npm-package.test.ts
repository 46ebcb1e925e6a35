import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { freePort } from '../helpers/spawn-herald.js';

// The npm package as a user gets it: `npm pack` of a tree without dist/ (prepack builds it), then
// `npm install -g ./herald-*.tgz --prefix <empty>` (dependencies from the registry or npm's cache).
// From that install, `herald serve` starts, the dashboard and the portal's embed script load, a
// delivery arrives, and `import 'herald/verify'` verifies it. Slow on purpose (a real install).
//
// better-sqlite3's install script asks GitHub for a prebuilt binary, which these machines cannot
// reach, and then compiles one: 3-4 minutes of both cores, slowing every other test file meanwhile.
// An offline site points prebuild-install at its own mirror (npm_config_better_sqlite3_binary_host);
// so does this test, serving the binary this checkout built for this same Node and version, packed
// as prebuild-install downloads it. The install script itself still runs.

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const MINUTES = 60_000;

const work = mkdtempSync(join(tmpdir(), 'herald-npm-package-'));
const prefix = join(work, 'prefix');
let tarball = '';
let packedFiles: string[] = [];
let herald: ChildProcess | null = null;
let output = '';
const timings: Record<string, number> = {};
let mirror: Server | null = null;
let mirrorHost = '';
const mirrorAsked: string[] = [];

/** A prebuilt-binary mirror for better-sqlite3 on loopback (see the comment above). */
async function startPrebuildMirror(): Promise<void> {
  const archive = join(work, 'better-sqlite3-prebuilt.tar.gz');
  await run('tar', ['-czf', archive, '-C', join(REPO, 'node_modules', 'better-sqlite3'), 'build/Release/better_sqlite3.node']);
  const bytes = readFileSync(archive);
  mirror = createServer((req, res) => {
    mirrorAsked.push(req.url ?? '');
    if (req.url?.endsWith('.tar.gz')) res.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror!.listen(0, '127.0.0.1', resolve));
  const address = mirror.address() as { port: number };
  mirrorHost = `http://127.0.0.1:${address.port}`;
}

afterAll(async () => {
  if (herald && herald.exitCode === null) {
    herald.kill('SIGTERM');
    await new Promise((resolve) => herald!.once('exit', resolve));
  }
  mirror?.close();
  rmSync(work, { recursive: true, force: true });
  console.info(`[npm-package] ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
});

/** Runs npm with the developer's npm configuration (registry, cache, CA), no HERALD_* settings. */
async function npm(args: string[], cwd: string, label: string): Promise<string> {
  const started = Date.now();
  const env: Record<string, string | undefined> = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_better_sqlite3_binary_host: mirrorHost };
  for (const name of Object.keys(env)) if (name.startsWith('HERALD_')) delete env[name];
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 15 * MINUTES });
  timings[label] = Date.now() - started;
  return stdout;
}

beforeAll(async () => {
  await startPrebuildMirror();
  // A copy of what the package is built from, without dist/: the shared checkout's dist/ is left
  // alone (other test files run it meanwhile), and the tarball must get dist/ from prepack.
  const source = join(work, 'source');
  mkdirSync(source);
  // Every file git would see (tracked, or new and not ignored): no dist/, data/ or node_modules/.
  const { stdout: listed } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  for (const file of listed.split('\0').filter(Boolean)) {
    if (existsSync(join(REPO, file))) cpSync(join(REPO, file), join(source, file), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(source, 'node_modules'), 'dir');
  const packed = JSON.parse(await npm(['pack', '--json', '--pack-destination', work], source, 'pack')) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((f) => f.path);
  await npm(['install', '--global', tarball, '--prefix', prefix, '--prefer-offline'], work, 'install');
  // The install took its binary from the mirror (or, had prebuild-install failed, compiled one).
  console.info(`[npm-package] prebuilt binary asked for: ${mirrorAsked.join(', ') || 'none'}`);
}, 30 * MINUTES);

describe('the npm package', () => {
  it('holds the built server, the dashboard and the public files, and no sources, tests or data', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'bin/herald.js', 'dist/cli/main.js', 'dist/sdk/verify.js', 'dist/dashboard/index.html', 'public/embed.js']));
    const unexpected = packedFiles.filter((f) => /^(src|test|bench|scripts|data|node_modules|docs)\//.test(f) || /\.db(-wal|-shm)?$|(^|\/)(admin-token|encryption-key)$/.test(f));
    expect(unexpected).toEqual([]);
  });

  it('installs into an empty prefix, where `herald serve` starts and the dashboard loads', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const env = { ...process.env } as Record<string, string>;
    for (const name of Object.keys(env)) if (name.startsWith('HERALD_')) delete env[name];
    herald = spawn(join(prefix, 'bin', 'herald'), ['serve', '--port', String(port), '--data-dir', join(cwd, 'data')], {
      cwd,
      env: { ...env, HERALD_ADMIN_TOKEN: 'npm-package-test-token', HERALD_ALLOW_PRIVATE_NETWORKS: '1', HERALD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    herald.stdout!.on('data', (d) => (output += d));
    herald.stderr!.on('data', (d) => (output += d));
    await expect.poll(() => output, { timeout: MINUTES, interval: 50 }).toMatch(/Herald is running/);

    const dashboardUrl = /Dashboard: (\S+)/.exec(output)![1]!;
    const page = await fetch(dashboardUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(new URL(script!, dashboardUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(1000);
    const embed = await fetch(new URL('/portal/embed.js', dashboardUrl));
    expect(embed.status).toBe(200);
    expect(await embed.text()).toContain('herald-portal');
  }, 2 * MINUTES);

  it("delivers a message, which `import 'herald/verify'` from the installed package verifies", async () => {
    const receiver: Receiver = await startReceiver();
    try {
      const url = /Herald is running at (\S+)/.exec(output)![1]!;
      const call = async (path: string, body: unknown) => {
        const res = await fetch(url + path, { method: 'POST', headers: { authorization: 'Bearer npm-package-test-token', 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return (await res.json()) as any;
      };
      await call('/api/v1/apps', { name: 'Package', uid: 'package' });
      const endpoint = await call('/api/v1/apps/package/endpoints', { url: `${receiver.url}/hooks` });
      const message = await call('/api/v1/apps/package/messages', { eventType: 'package.installed', data: { from: 'npm' } });
      const [request] = await receiver.waitFor(1, 30_000);

      // A script next to the global node_modules resolves `herald` as a project depending on it would.
      const check = join(prefix, 'lib', 'verify-check.mjs');
      writeFileSync(check, [
        "import { verify, WebhookVerificationError } from 'herald/verify';",
        "const { body, headers, secret } = JSON.parse(process.argv[2]);",
        'const payload = verify({ body, headers, secret });',
        'let tampered = null;',
        "try { verify({ body: body + ' ', headers, secret }); } catch (err) { tampered = err instanceof WebhookVerificationError; }",
        'console.log(JSON.stringify({ payload, tampered }));',
      ].join('\n'));
      const input = JSON.stringify({ body: request!.body, headers: request!.headers, secret: endpoint.secret });
      const { stdout } = await run(process.execPath, [check, input], { cwd: work });
      const result = JSON.parse(stdout) as { payload: { type: string; data: unknown }; tampered: boolean };
      expect(request!.headers['webhook-id']).toBe(message.id);
      expect(result.payload).toMatchObject({ type: 'package.installed', data: { from: 'npm' } });
      expect(result.tampered).toBe(true);
    } finally {
      await receiver.close();
    }
  }, MINUTES);

  it('stops gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => herald!.once('exit', (code) => resolve(code)));
    herald!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'herald', 'package.json'), 'utf8')).name).toBe('herald');
  });
});
