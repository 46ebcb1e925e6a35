// node bench/http-floor.js [--seconds 5] [--rounds 3]
// Issue #21: the least a Node process pays to take one publish over HTTP, before any of Herald's own
// work, against which Herald's CPU per delivery (and the 60 µs target) can be read. A bare Fastify
// server in its own process, as Herald's API is built (Fastify 5, a JSON schema on the body, a 202
// with the new id), no store, no authentication, no delivery; fed by the same 64 publishers as the
// peer scenario's single shape (bench/lib/shapes.js). Reports requests per second and the server
// process's CPU time per request. The sending side's floor is bench/raw-socket-writer.js (undici per
// request, and a raw socket writer).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apiClient, median } from './lib/api.js';
import { cpuMs, sleep } from './lib/processes.js';

if (process.argv[2] === '--serve') {
  const { default: Fastify } = await import('fastify');
  const { randomUUID } = await import('node:crypto');
  const app = Fastify({ logger: false });
  const body = {
    type: 'object', required: ['eventType', 'data'], additionalProperties: false,
    properties: { eventType: { type: 'string', minLength: 1, maxLength: 256 }, data: { type: 'object' } },
  };
  const reply202 = { 202: { type: 'object', properties: { id: { type: 'string' }, eventType: { type: 'string' } } } };
  app.post('/messages', { schema: { body, response: reply202 } }, async (req, reply) => {
    reply.code(202);
    return { id: `msg_${randomUUID()}`, eventType: req.body.eventType };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send(app.server.address().port);
} else {
  const { values: opts } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } } });
  const seconds = Number(opts.seconds);
  const results = [];
  for (let round = 0; round < Number(opts.rounds); round++) {
    const server = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise((resolve) => server.once('message', resolve));
    const api = apiClient(`http://127.0.0.1:${port}`, 'none', 64);
    let done = false;
    let count = 0;
    const publishers = Array.from({ length: 64 }, async () => {
      while (!done) {
        await api.call('POST', '/messages', { eventType: 'bench.event', data: { n: count, t: Date.now() } });
        count++;
      }
    });
    await sleep(2000); // warm-up
    const c0 = count;
    const cpu0 = cpuMs(server.pid);
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const n = count - c0;
    const cpu = cpuMs(server.pid) - cpu0;
    const elapsed = (Date.now() - t0) / 1000;
    done = true;
    await Promise.all(publishers);
    await api.close();
    server.kill();
    const r = { requestsPerSec: Math.round(n / elapsed), serverCpuUsPerRequest: Math.round((cpu * 1000) / n) };
    console.log(JSON.stringify(r));
    results.push(r);
  }
  console.log(`bare Fastify publish endpoint: median ${median(results.map((r) => r.requestsPerSec))} requests/s, ` +
    `${median(results.map((r) => r.serverCpuUsPerRequest))} µs of server CPU per request`);
}
