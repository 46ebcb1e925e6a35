import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// HERALD_BENCH_BIN=<path to bin/herald.js of another build> benchmarks that build instead, so two
// builds can be compared side by side in one noisy session (see README, Benchmarks).
const HERALD_BIN = process.env.HERALD_BENCH_BIN ?? fileURLToPath(new URL('../../bin/herald.js', import.meta.url));
const RECEIVER = fileURLToPath(new URL('../receiver.js', import.meta.url));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startReceiver() {
  const child = fork(RECEIVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  // Replies carry the request's id: the publisher and the sampler may ask at the same time.
  const waiting = new Map();
  let nextId = 0;
  child.on('message', (reply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (msg) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.send({ ...msg, id });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    stats: (latencies = false) => ask({ cmd: 'stats', latencies }),
    reset: (latency = false) => ask({ cmd: 'reset', latency }),
    stop: () => child.kill('SIGKILL'),
  };
}

/** `herald serve` as a real process, as users run it. */
export async function startHerald({ dataDir, database, token, extraArgs = [] }) {
  const port = await freePort();
  // HERALD_BENCH_PROFILE=<dir> writes a CPU profile of each Herald process (node --cpu-prof).
  const profile = process.env.HERALD_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HERALD_BENCH_PROFILE}`] : [];
  const args = [...profile, HERALD_BIN, 'serve', '--port', String(port), '--data-dir', dataDir, '--allow-private-networks', ...extraArgs];
  if (database) args.push('--database', database);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, HERALD_ADMIN_TOKEN: token, HERALD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  while (!out.includes('Herald is running')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`herald did not start:\n${out}`);
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Peak resident memory of a process (Linux), in MB. */
export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU time a process has used so far (user + system, all threads), in ms (Linux). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}
