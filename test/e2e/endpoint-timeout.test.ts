import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// An endpoint's `timeout` (seed 004's connectionTimeout) bounds connecting, TLS included, plus the
// whole response. Each receiver here stalls in a different phase on its first request only.

const STALL_MS = 4_000;
let herald: TestHerald;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await herald.stop();
});

async function attemptsAfterPublish(url: string) {
  const app = await herald.api('POST', '/api/v1/apps', { name: 'timeouts' });
  const ep = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url, timeout: 'PT1S' });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  expect(ep.body.timeout).toBe('PT1S');
  const msg = await herald.api('POST', `/api/v1/apps/${app.body.id}/messages`, { eventType: 'slow.test', data: {} });
  const path = `/api/v1/apps/${app.body.id}/messages/${msg.body.id}/attempts`;
  return { path };
}

it('fails an attempt whose response headers do not arrive in time, then retries', async () => {
  const rx: Receiver = await startReceiver(async (_req, index) => {
    if (index === 0) await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    return { status: 200, body: 'ok' };
  });
  closers.push(() => rx.close());
  const { path } = await attemptsAfterPublish(`${rx.url}/slow`);

  // The retry succeeds: the receiver answers at once from its second request on.
  const attempts = await eventually(async () => {
    const res = await herald.api('GET', path);
    return res.body.data.some((a: { status: string }) => a.status === 'success') ? res.body.data : null;
  });
  const first = attempts.find((a: { attempt: number }) => a.attempt === 1);
  expect(first).toMatchObject({ status: 'failed', responseStatus: null });
  expect(first.error).toMatch(/timed out after 1000 ms/);
});

it('fails an attempt whose response body stalls', async () => {
  const stalled: Server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial'); // …and never ends
  });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { stalled.closeAllConnections(); stalled.close(() => resolve()); }));
  const { port } = stalled.address() as AddressInfo;
  const { path } = await attemptsAfterPublish(`http://127.0.0.1:${port}/body`);

  const first = await eventually(async () => (await herald.api('GET', path)).body.data.find((a: { attempt: number }) => a.attempt === 1));
  expect(first).toMatchObject({ status: 'failed' });
  expect(first.error).toMatch(/timed out after 1000 ms/);
});

it('counts a TLS handshake that never completes against the timeout (connect phase)', async () => {
  // Accepts TCP but never speaks TLS: the connection is open, the handshake hangs.
  const sockets = new Set<Socket>();
  const silent = createTcpServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { for (const s of sockets) s.destroy(); silent.close(() => resolve()); }));
  const { port } = silent.address() as AddressInfo;
  const { path } = await attemptsAfterPublish(`https://127.0.0.1:${port}/tls`);

  const attempts = await eventually(async () => {
    const data = (await herald.api('GET', path)).body.data;
    return data.length >= 2 ? data : null; // failed, then retried (and failed again)
  });
  for (const attempt of attempts) {
    expect(attempt).toMatchObject({ status: 'failed', responseStatus: null });
    expect(attempt.error).toMatch(/timed out after 1000 ms/);
  }
});
