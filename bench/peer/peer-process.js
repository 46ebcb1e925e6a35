// Starts the BullMQ peer (bullmq-peer.js) as its own process and talks to it over IPC. Used by the
// bench's peer scenario and by test/bench/bench-peer.test.ts.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const PEER = fileURLToPath(new URL('./bullmq-peer.js', import.meta.url));

/** True when Redis answers PING at `url` within `timeoutMs` (a plain RESP PING: no client needed). */
export function redisAnswers(url = 'redis://127.0.0.1:6379', timeoutMs = 1000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Redis's process id (INFO server), so the bench can add Redis's CPU to the peer's: Herald's store works in Herald's process. */
export function redisPid(url = 'redis://127.0.0.1:6379') {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    let reply = '';
    socket.setTimeout(1000, () => (socket.destroy(), resolve(null)));
    socket.once('error', () => resolve(null));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      reply += d;
      const pid = /process_id:(\d+)/.exec(reply)?.[1];
      if (pid) {
        socket.destroy();
        resolve(Number(pid));
      }
    });
  });
}

/**
 * `shape`: 'http' (a publish endpoint at `url`/messages) or 'bulk' (produce()/stopProducing()).
 * `secret` defaults to a fresh whsec_ key; the peer signs every delivery with it.
 */
export async function startPeer({ shape, target, redis = 'redis://127.0.0.1:6379', secret = `whsec_${randomBytes(24).toString('base64')}`, maxOutstanding = 5000 }) {
  const args = ['--shape', shape, '--target', target, '--secret', secret, '--redis', redis, '--max-outstanding', String(maxOutstanding)];
  const child = fork(PEER, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the BullMQ peer exited (${code}) before it was ready`)));
  });
  const waiting = new Map();
  let nextId = 0;
  child.on('message', (reply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (cmd) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.send({ cmd, id });
    });
  return {
    pid: child.pid,
    secret,
    url: ready.port ? `http://127.0.0.1:${ready.port}` : null,
    stats: () => ask('stats'),
    produce: () => ask('produce'),
    stopProducing: () => ask('stop-producing'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'close', id: 0 });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
