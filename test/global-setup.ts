import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// End-to-end deliveries run the built delivery thread (dist/delivery/delivery-thread-main.js) and the CLI tests run
// dist/cli: after an edit to src/, `npx vitest` would test the previous build. So before any test
// runs, every compiled source file must be at least as new as its source; if one is not, dist/ is
// rebuilt here (tsc, a few seconds), and the run stops if that build fails.
// The dashboard (src/dashboard, built by vite) is checked by the tests that serve it.

const root = fileURLToPath(new URL('..', import.meta.url));

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(root, 'src', 'dashboard')) yield* sources(path);
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const mtime = (path: string): number | null => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
};

/** The first source file whose compiled output is missing or older than it; null when dist/ is current. */
export function staleSource(): string | null {
  for (const src of sources(join(root, 'src'))) {
    const out = join(root, 'dist', relative(join(root, 'src'), src).replace(/\.tsx?$/, '.js'));
    const built = mtime(out);
    if (built === null || built < mtime(src)!) return relative(root, src);
  }
  return null;
}

export default function setup(): void {
  // scripts/mutants.mjs builds its copy itself before each run.
  if (process.env.HERALD_SKIP_BUILD_CHECK === '1') return;
  const stale = staleSource();
  if (stale === null) return;
  console.warn(`[global-setup] dist/ is older than ${stale}: rebuilding with tsc -p tsconfig.build.json`);
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`dist/ is stale and does not build, so the tests would run old code:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const still = staleSource();
  if (still !== null) throw new Error(`dist/ is still older than ${still} after a build`);
}
