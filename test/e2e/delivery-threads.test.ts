import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Deliveries are sent from the main thread (0 threads) or from worker threads; the other e2e
// suites run with one thread. Whatever the count, receivers see the same signed requests, failures
// are retried, and a stop gives back what was still in flight.

const running: Array<TestHerald | Receiver> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await ('stop' in r ? r.stop() : r.close());
});

async function setUp(deliveryThreads: number, respond?: Parameters<typeof startReceiver>[0]) {
  const herald = await startTestHerald({ deliveryThreads });
  const receiver = await startReceiver(respond);
  running.push(herald, receiver);
  const app = (await herald.api('POST', '/api/v1/apps', { name: `threads-${deliveryThreads}` })).body;
  const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).body;
  return { herald, receiver, app, ep };
}

describe.each([0, 2])('with %i delivery threads', (threads) => {
  it('delivers every message once, signed, and records each attempt', async () => {
    const { herald, receiver, app, ep } = await setUp(threads);
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push((await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'thread.test', data: { n } })).body.id);
    const received = await receiver.waitFor(40);
    const verifier = new Webhook(ep.secret);
    const seen = received.map((req) => (verifier.verify(req.body, req.headers) as { data: { n: number } }).data.n);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    // The receiver has answered; the attempt is recorded by the next settle batch, just after.
    const attempts = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/messages/${ids[0]}/attempts`);
      return res.body.data.length > 0 ? res.body.data : null;
    });
    expect(attempts).toMatchObject([{ status: 'success', responseStatus: 200, attempt: 1 }]);
  });

  it('retries a failed attempt from the thread that sends it', async () => {
    const { herald, receiver, app } = await setUp(threads, (_req, i) => ({ status: i < 2 ? 500 : 200, body: 'ok' }));
    const msg = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'thread.retry', data: {} })).body;
    await receiver.waitFor(3);
    const attempts = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`);
      return res.body.data.length === 3 ? res.body.data : null;
    });
    expect(attempts.map((a: { status: string }) => a.status)).toEqual(['success', 'failed', 'failed']);
  });
});

it('gives back a delivery still in flight when stopped, and a restart sends it', async () => {
  // The receiver never answers: the request is in flight in the thread when Herald stops.
  const stalled = await startReceiver(() => new Promise(() => {}));
  running.push(stalled);
  const first = await startTestHerald({ deliveryThreads: 1, shutdownGrace: 200 });
  const app = (await first.api('POST', `/api/v1/apps`, { name: 'stop' })).body;
  await first.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: stalled.url });
  const msg = (await first.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'thread.stop', data: {} })).body;
  await eventually(() => stalled.requests.length === 1);
  await first.close();
  // No attempt was recorded for the cut-off request: it was given back, not failed.
  const second = await startTestHerald({ deliveryThreads: 1, dataDir: first.dataDir });
  running.push(second);
  const attempts = (await second.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`)).body.data;
  expect(attempts).toEqual([]);
  await eventually(() => stalled.requests.length === 2);
});
