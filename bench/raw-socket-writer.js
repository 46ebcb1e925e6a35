// node bench/raw-socket-writer.js [--seconds 5] [--rounds 3] [--concurrency 64]
// Issue #21: what undici costs the delivery thread, against the least a sender could do. Both modes
// send the same requests, rendered and signed by Herald's own wire code (Standard Webhooks, the
// bench's payload), to the bench receiver (its own process), `concurrency` at a time over keep-alive
// connections:
//   undici  Herald's sendRequest (src/delivery/http-sender.ts: dispatch with a handler, deadline,
//           capped body) through an undici Agent as Herald's AgentPool configures it;
//   raw     node:net sockets, each writing the request's HTTP/1.1 text and reading the answer's
//           status line, Content-Length and body: no parser, no pool, no timers.
// Reports requests per second and this process's CPU time per request (rendering and signing
// included in both), alternating the modes `rounds` times.
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { sendRequest } from '../dist/delivery/http-sender.js';
import { renderRequest } from '../dist/wire/index.js';
import { startReceiver } from './lib/processes.js';

const { values: opts } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '64' } },
});
const seconds = Number(opts.seconds);
const concurrency = Number(opts.concurrency);
const receiver = await startReceiver();
const target = new URL(receiver.url);
const endpoint = {
  url: `${receiver.url}/e2e/0`, method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' },
  secrets: ['whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ='], headers: {}, query: {},
};
let n = 0;
/** The request for the next delivery, as the delivery thread renders and signs it. */
function nextRequest() {
  const now = Date.now();
  const message = {
    id: `msg_${n++}`, appId: 'app_bench', eventType: 'bench.event', dataJson: JSON.stringify({ n, t: now }), entity: null,
    idempotencyKey: null, createdAt: new Date(now).toISOString(), requestId: null, orderingKey: null,
  };
  return renderRequest(message, endpoint, { timestamp: Math.floor(now / 1000), userAgent: 'Herald/bench' });
}

async function viaUndici(deadline) {
  const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 900_000, bodyTimeout: 900_000, connections: 256 });
  let sent = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const result = await sendRequest(nextRequest(), agent, 30_000);
      if (result.status !== 200) throw new Error(`undici: ${result.error ?? result.status}`);
      sent++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await agent.close();
  return sent;
}

/** One keep-alive connection: one request at a time, answer read by its Content-Length. */
function rawConnection() {
  const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  let pending = null;
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return pending.reject(new Error(`raw: no content-length in ${head}`));
    const total = end + 4 + Number(length[1]);
    if (buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    buffer = buffer.subarray(total);
    const { resolve } = pending;
    pending = null;
    resolve(status);
  });
  socket.on('error', (err) => pending?.reject(err));
  return {
    send(req) {
      const url = new URL(req.url);
      let text = `${req.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
      for (const name in req.headers) text += `${name}: ${req.headers[name]}\r\n`;
      text += `content-length: ${Buffer.byteLength(req.body)}\r\n\r\n${req.body}`;
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(text);
      });
    },
    close: () => socket.destroy(),
  };
}

async function viaRawSockets(deadline) {
  let sent = 0;
  const worker = async () => {
    const conn = rawConnection();
    while (Date.now() < deadline) {
      const status = await conn.send(nextRequest());
      if (status !== 200) throw new Error(`raw: HTTP ${status}`);
      sent++;
    }
    conn.close();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sent;
}

async function measure(mode, run) {
  await receiver.reset();
  // One unmeasured second first: connections opened, hot paths compiled.
  await run(Date.now() + 1000);
  await receiver.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sent = await run(Date.now() + seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const { count } = await receiver.stats();
  if (count !== sent) throw new Error(`${mode}: sent ${sent}, the receiver counted ${count}`);
  return { mode, perSec: Math.round(sent / ((performance.now() - t0) / 1000)), cpuUsPerRequest: Math.round((cpu.user + cpu.system) / sent) };
}

const results = [];
for (let round = 0; round < Number(opts.rounds); round++) {
  results.push(await measure('undici', viaUndici));
  results.push(await measure('raw', viaRawSockets));
  console.log(results.slice(-2).map((r) => `${r.mode}: ${r.perSec}/s, ${r.cpuUsPerRequest} µs CPU per request`).join('   '));
}
receiver.stop();
