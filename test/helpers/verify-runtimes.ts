import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SNIPPETS = join(ROOT, 'docs/verify');
const HARNESS = join(ROOT, 'test/fixtures/verify-harness');

/**
 * One receiver language: its real runtime runs docs/verify/<language>'s functions through a small
 * harness (test/fixtures/verify-harness) over a cases file, one process per file, so a run costs
 * one interpreter start (and one compile for Go and Java) rather than one per case.
 */
export interface VerifyRuntime {
  language: string;
  /** What is missing to run it (and how to get it), or null. */
  missing: string | null;
  /** Compiles once (Go, Java); a no-op for interpreters. */
  prepare(): Promise<void>;
  /** Runs the harness on a cases file; returns label → accepted. */
  verify(casesFile: string): Promise<Map<string, boolean>>;
}

function absent(commands: string[], install: string): string | null {
  const gone = commands.filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  return gone.length === 0 ? null : `${gone.join(', ')} not found (${install})`;
}

function parse(stdout: string): Map<string, boolean> {
  const results = new Map<string, boolean>();
  for (const line of stdout.trim().split('\n')) {
    const [label, verdict] = line.split(' ');
    if (verdict !== 'true' && verdict !== 'false') throw new Error(`unexpected harness output: ${line}`);
    results.set(label!, verdict === 'true');
  }
  return results;
}

const work = mkdtempSync(join(tmpdir(), 'herald-verify-'));
export function cleanUpRuntimes(): void {
  rmSync(work, { recursive: true, force: true });
}

function interpreted(language: string, command: string, harness: string, install: string): VerifyRuntime {
  return {
    language,
    missing: absent([command], install),
    async prepare() {},
    async verify(casesFile) {
      return parse((await run(command, [join(HARNESS, harness), casesFile], { maxBuffer: 1 << 24 })).stdout);
    },
  };
}

// Go: the snippets are copied (unchanged) into a throw-away module as package verify; the build
// cache lives in the temp dir, and the module proxy is off (standard library only).
const goDir = join(work, 'go');
const goEnv = { ...process.env, GOCACHE: join(work, 'go-cache'), GOPATH: join(work, 'go-path'), GOPROXY: 'off', GOFLAGS: '-mod=mod', GO111MODULE: 'on' };
const go: VerifyRuntime = {
  language: 'Go',
  missing: absent(['go'], 'apt-get install golang-go'),
  async prepare() {
    mkdirSync(join(goDir, 'verify'), { recursive: true });
    writeFileSync(join(goDir, 'go.mod'), 'module herald.test/harness\n\ngo 1.19\n');
    cpSync(join(HARNESS, 'harness.go'), join(goDir, 'main.go'));
    for (const file of readdirSync(join(SNIPPETS, 'go'))) cpSync(join(SNIPPETS, 'go', file), join(goDir, 'verify', file));
    await run('go', ['build', '-o', join(goDir, 'harness'), '.'], { cwd: goDir, env: goEnv });
  },
  async verify(casesFile) {
    return parse((await run(join(goDir, 'harness'), [casesFile], { maxBuffer: 1 << 24 })).stdout);
  },
};

const javaDir = join(work, 'java');
const java: VerifyRuntime = {
  language: 'Java',
  missing: absent(['java', 'javac'], 'apt-get install openjdk-17-jdk-headless'),
  async prepare() {
    const sources = readdirSync(join(SNIPPETS, 'java')).map((file) => join(SNIPPETS, 'java', file));
    await run('javac', ['-d', javaDir, ...sources, join(HARNESS, 'Harness.java')]);
  },
  async verify(casesFile) {
    return parse((await run('java', ['-cp', javaDir, 'Harness', casesFile], { maxBuffer: 1 << 24 })).stdout);
  },
};

export const RUNTIMES: VerifyRuntime[] = [
  interpreted('Python', 'python3', 'harness.py', 'apt-get install python3'),
  go,
  interpreted('Ruby', 'ruby', 'harness.rb', 'apt-get install ruby'),
  interpreted('PHP', 'php', 'harness.php', 'apt-get install php-cli'),
  java,
];
