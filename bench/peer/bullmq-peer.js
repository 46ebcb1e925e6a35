// The peer: what a Node team builds instead of Herald. A BullMQ queue on Redis and a worker that
// signs (Standard Webhooks) and POSTs with undici, written the way BullMQ's users write it:
// concurrency 64, 8 attempts with exponential backoff, removeOnComplete. One process, like
// `herald serve`, holding both sides:
//   --shape http  a node:http publish endpoint (POST /messages) doing queue.add, answering 202;
//   --shape bulk  no endpoint: the process itself publishes with addBulk of 500, 4 at a time,
//                 once the orchestrator sends { cmd: 'produce' } (until { cmd: 'stop-producing' }).
// The orchestrator forks it (IPC) and asks { cmd: 'stats' } for what it added and delivered.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';

const { values: opts } = parseArgs({
  options: {
    shape: { type: 'string', default: 'http' },
    target: { type: 'string' }, // the receiver URL every message goes to
    secret: { type: 'string' }, // whsec_<base64>
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    queue: { type: 'string', default: `webhooks-${randomUUID()}` },
    'max-outstanding': { type: 'string', default: '5000' },
  },
});

const redisUrl = new URL(opts.redis);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const key = Buffer.from(opts.secret.replace(/^whsec_/, ''), 'base64');
const target = new URL(opts.target);

const queue = new Queue(opts.queue, {
  connection,
  defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
});

const http = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
let delivered = 0;

/** Standard Webhooks: HMAC-SHA256 over `id.timestamp.body`, base64, `v1,` prefix. */
function sign(id, timestamp, body) {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

const worker = new Worker(
  opts.queue,
  async (job) => {
    const id = `msg_${job.id}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: job.data.eventType, timestamp: new Date(job.timestamp).toISOString(), data: job.data.data });
    const res = await request(target, {
      method: 'POST',
      dispatcher: http,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(id, timestamp, body),
      },
      body,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    await res.body.dump();
    // Anything but 2xx is a failure BullMQ retries with its backoff.
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`endpoint answered ${res.statusCode}`);
    delivered++;
  },
  { connection, concurrency: 64 },
);
worker.on('error', (err) => console.error('peer worker:', err.message));

let added = 0;
let port = null;

if (opts.shape === 'http') {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/messages') {
      res.writeHead(404).end();
      return;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      try {
        const msg = JSON.parse(raw);
        const job = await queue.add('webhook', { eventType: msg.eventType, data: msg.data });
        added++;
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `msg_${job.id}` }));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err.message) }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
}

// Bulk shape: 4 producers of addBulk(500), holding at most max-outstanding jobs not yet delivered
// (as the Herald scenarios hold their publishers back), so the rate measured is delivery.
let producing = false;
let producers = Promise.resolve();
const maxOutstanding = Number(opts['max-outstanding']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function producer() {
  while (producing) {
    if (added - delivered > maxOutstanding) {
      await sleep(5);
      continue;
    }
    const jobs = Array.from({ length: 500 }, (_, i) => ({ name: 'webhook', data: { eventType: 'bench.event', data: { n: added + i, t: Date.now() } } }));
    await queue.addBulk(jobs);
    added += 500;
  }
}

await worker.waitUntilReady();
await queue.waitUntilReady();

process.on('message', async (msg) => {
  if (msg.cmd === 'stats') process.send({ id: msg.id, added, delivered });
  if (msg.cmd === 'produce' && !producing) {
    producing = true;
    producers = Promise.all(Array.from({ length: 4 }, producer));
    process.send({ id: msg.id, ok: true });
  }
  if (msg.cmd === 'stop-producing') {
    producing = false;
    await producers;
    process.send({ id: msg.id, ok: true });
  }
  if (msg.cmd === 'close') {
    producing = false;
    await producers;
    await worker.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await http.close();
    process.send({ id: msg.id, ok: true });
    process.exit(0);
  }
});
process.send({ ready: true, port });
