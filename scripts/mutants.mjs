#!/usr/bin/env node
// `npm run test:mutants`: the mutation check of issue 14. Each mutant is one small wrong change to a
// security or durability promise. It is applied, alone, to a temporary copy of the repository, dist/
// is rebuilt there (end-to-end deliveries run the built worker), and only the tests that defend the
// promise are run. A mutant the tests still pass on has "survived": the promise is undefended.
// Exits non-zero when any mutant survives, when the tests fail on the unmutated copy, or when a
// mutant's search text is no longer in its file (so the list cannot rot silently as src/ changes).
//
// Usage: node scripts/mutants.mjs [mutant-id ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS } from './mutants-list.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const wanted = process.argv.slice(2);
const mutants = wanted.length ? MUTANTS.filter((m) => wanted.includes(m.id)) : MUTANTS;
if (wanted.length && mutants.length !== wanted.length) {
  console.error(`unknown mutant id; known: ${MUTANTS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'herald-mutants-'));
// Everything Herald reads at run time besides node_modules (public/: the portal's embed script).
for (const entry of ['src', 'test', 'bin', 'public', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts']) {
  if (existsSync(join(root, entry))) cpSync(join(root, entry), join(work, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');

const node = process.execPath;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
// The copy builds its own dist/ before each run, so the tests' staleness check finds it fresh.
const env = { ...process.env, HERALD_SKIP_BUILD_CHECK: '1', FORCE_COLOR: '0' };

function build() {
  const r = spawnSync(node, [tsc, '-p', 'tsconfig.build.json'], { cwd: work, env, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stdout + r.stderr).trim();
}

function runTests(files) {
  const r = spawnSync(node, [vitest, 'run', ...files], { cwd: work, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { passed: r.status === 0, output: (r.stdout + r.stderr).trim() };
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
let problems = 0;

function main() {
  // Every mutant's search text must still be where the list says, exactly once.
  for (const m of mutants) {
    const text = readFileSync(join(work, m.file), 'utf8');
    const count = text.split(m.search).length - 1;
    if (count !== 1) {
      console.error(`STALE     ${m.id}: search text found ${count} times in ${m.file} (update scripts/mutants-list.mjs)`);
      problems++;
    }
    for (const f of m.tests) if (!existsSync(join(work, f))) {
      console.error(`STALE     ${m.id}: test file ${f} does not exist`);
      problems++;
    }
  }
  if (problems) return;

  // Baseline: the defending tests pass on the unmutated code, or "caught" would mean nothing.
  const baselineFiles = [...new Set(mutants.flatMap((m) => m.tests))];
  const buildError = build();
  if (buildError) {
    console.error(`BASELINE  the unmutated copy does not build:\n${buildError}`);
    problems++;
    return;
  }
  const baseline = runTests(baselineFiles);
  if (!baseline.passed) {
    console.error(baseline.output.split('\n').slice(-40).join('\n'));
    console.error('BASELINE  the defending tests fail on the unmutated code; fix that first');
    problems++;
    return;
  }
  console.log(`baseline  ${baselineFiles.length} test files pass on the unmutated code (${seconds(Date.now() - started)})`);

  for (const m of mutants) {
    const t0 = Date.now();
    const path = join(work, m.file);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace(m.search, m.replace));
    try {
      const err = build();
      // A mutant that does not compile cannot ship: it is not a test of the tests.
      if (err) {
        console.error(`INVALID   ${m.id}: the mutant does not compile\n${err}`);
        problems++;
        continue;
      }
      const { passed } = runTests(m.tests);
      console.log(`${passed ? 'SURVIVED' : 'caught  '}  ${m.id} (${m.file}; ${m.tests.join(', ')}; ${seconds(Date.now() - t0)})`);
      if (passed) problems++;
    } finally {
      writeFileSync(path, original);
    }
  }
}

try {
  main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${mutants.length} mutants, ${problems ? `${problems} problem(s)` : 'all caught'}, ${seconds(Date.now() - started)} in all`);
process.exit(problems ? 1 : 0);
