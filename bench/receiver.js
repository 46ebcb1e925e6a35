// A minimal webhook receiver in its own process, so its CPU is not Herald's. Answers 200 at once
// (or never, on paths under /stall), counts requests, and measures publish-to-receipt latency from
// the `t` the publisher puts in the data. The orchestrator talks to it over IPC.
import { createServer } from 'node:http';

let count = 0;
let latencies = [];
let recordLatency = false;
const stalled = new Set();

const server = createServer((req, res) => {
  if (req.url.startsWith('/stall')) {
    stalled.add(res);
    req.on('close', () => stalled.delete(res));
    return;
  }
  if (!recordLatency) {
    req.resume();
    req.on('end', () => {
      count++;
      res.end('ok');
    });
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    count++;
    const at = body.indexOf('"t":');
    if (at >= 0) latencies.push(Date.now() - Number.parseInt(body.slice(at + 4), 10));
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', (msg) => {
  if (msg.cmd === 'stats') process.send({ id: msg.id, count, latencies: msg.latencies ? latencies : undefined });
  if (msg.cmd === 'reset') {
    count = 0;
    latencies = [];
    recordLatency = Boolean(msg.latency);
    process.send({ id: msg.id, ok: true });
  }
});
