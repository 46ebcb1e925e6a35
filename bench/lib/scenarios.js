import { createHmac, randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { apiClient, makeApp, percentile } from './api.js';
import { cpuMs, peakRssMb, sleep, startHerald } from './processes.js';

const range = (n) => Array.from({ length: n }, (_, i) => i);

/**
 * Bare undici, keep-alive, standard-webhooks-signed POSTs to the same receiver: the ceiling. It
 * sends the way Herald does, through `dispatch` with a handler (undici's cheapest API: `request()`
 * costs about twice the CPU per request), so the ratio compares like with like.
 */
export async function ceiling({ receiver, seconds }) {
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
  const key = randomBytes(32);
  const { origin } = new URL(receiver.url);
  await receiver.reset();
  const deadline = Date.now() + seconds * 1000;
  let sent = 0;
  const post = (body, headers) =>
    new Promise((resolve, reject) => {
      dispatcher.dispatch({ origin, path: '/ceiling', method: 'POST', body, headers }, {
        onRequestStart() {}, // marks the handler as undici 7 style
        onResponseStart() {},
        onResponseData() {},
        onResponseEnd: resolve,
        onResponseError: (_controller, err) => reject(err),
      });
    });
  const worker = async () => {
    while (Date.now() < deadline) {
      const body = JSON.stringify({ type: 'bench.event', timestamp: new Date().toISOString(), data: { n: sent } });
      const id = `msg_${sent++}`;
      const ts = Math.floor(Date.now() / 1000);
      const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
      await post(body, { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` });
    }
  };
  const started = Date.now();
  await Promise.all(range(128).map(worker));
  const { count } = await receiver.stats();
  await dispatcher.close();
  return { deliveriesPerSec: Math.round(count / ((Date.now() - started) / 1000)) };
}

/**
 * Publishes in batches for `seconds` while Herald delivers, keeping at most `maxOutstanding`
 * deliveries queued, and reports the delivery rate at the receiver after a warm-up, with the CPU
 * time Herald spent per delivery meanwhile (steadier than the rate on a shared, noisy machine).
 */
async function sustained({ api, app, receiver, fanout, seconds, herald, maxOutstanding = 40_000, warmup = 2 }) {
  await receiver.reset();
  let published = 0;
  let stop = false;
  const publisher = (async () => {
    while (!stop) {
      const { count } = await receiver.stats();
      if (published * fanout - count > maxOutstanding) {
        await sleep(5);
        continue;
      }
      const messages = range(100).map((i) => ({ eventType: 'bench.event', data: { n: published + i, t: Date.now() } }));
      await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages });
      published += 100;
    }
  })();
  await sleep(warmup * 1000);
  const start = (await receiver.stats()).count;
  const cpu0 = cpuMs(herald.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const end = (await receiver.stats()).count;
  const cpu = cpuMs(herald.pid) - cpu0;
  const elapsed = (Date.now() - t0) / 1000;
  stop = true;
  await publisher;
  return { rate: Math.round((end - start) / elapsed), cpuUsPerDelivery: Math.round((cpu * 1000) / (end - start)) };
}

export async function e2e({ herald, receiver, seconds }) {
  const api = apiClient(herald.url, herald.token, 8);
  const app = await makeApp(api, 'e2e', range(10).map((i) => `${receiver.url}/e2e/${i}`));
  const { rate, cpuUsPerDelivery } = await sustained({ api, app, receiver, herald, fanout: 10, seconds });
  await api.call('PATCH', `/api/v1/apps/${app.id}`, { name: 'e2e-done' });
  for (const ep of (await api.call('GET', `/api/v1/apps/${app.id}/endpoints?limit=250`)).data) {
    await api.call('PATCH', `/api/v1/apps/${app.id}/endpoints/${ep.id}`, { disabled: true });
  }
  await api.close();
  return { deliveriesPerSec: rate, heraldCpuUsPerDelivery: cpuUsPerDelivery };
}

/** Accepted messages per second: single POSTs from 64 concurrent clients, then batches of 1,000. */
export async function ingest({ herald, receiver, seconds }) {
  const api = apiClient(herald.url, herald.token, 64);
  const app = await makeApp(api, 'ingest', [`${receiver.url}/ingest`], { disabled: true });
  const run = async (concurrency, body, perCall) => {
    let accepted = 0;
    const deadline = Date.now() + seconds * 1000;
    const t0 = Date.now();
    await Promise.all(
      range(concurrency).map(async () => {
        while (Date.now() < deadline) {
          await api.call('POST', body.path(app.id), body.make());
          accepted += perCall;
        }
      }),
    );
    return Math.round(accepted / ((Date.now() - t0) / 1000));
  };
  const single = await run(64, { path: (id) => `/api/v1/apps/${id}/messages`, make: () => ({ eventType: 'bench.ingest', data: { at: Date.now() } }) }, 1);
  const batch = await run(4, {
    path: (id) => `/api/v1/apps/${id}/messages/batch`,
    make: () => ({ messages: range(1000).map((i) => ({ eventType: 'bench.ingest', data: { i } })) }),
  }, 1000);
  await api.close();
  return { singlePerSec: single, batchPerSec: batch };
}

/**
 * Publish-to-receipt latency at a fixed offered load of `rate` messages/s, in steady state: the
 * same load runs for `warmup` seconds first, unmeasured, as the e2e scenario does. A fresh process
 * answers its first requests slowly while V8 compiles the hot paths, and the backlog this builds
 * in the first second would otherwise be what the percentiles report.
 */
export async function latency({ herald, receiver, seconds, rate = 1000, warmup = 3 }) {
  const api = apiClient(herald.url, herald.token, 64);
  const app = await makeApp(api, 'latency', [`${receiver.url}/latency`]);
  const offer = async (forSeconds) => {
    const perTick = rate / 100;
    const inflight = [];
    const t0 = Date.now();
    for (let tick = 0; tick < forSeconds * 100; tick++) {
      for (let i = 0; i < perTick; i++) {
        inflight.push(api.call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'bench.latency', data: { t: Date.now() } }));
      }
      const next = t0 + (tick + 1) * 10;
      await sleep(Math.max(0, next - Date.now()));
    }
    await Promise.all(inflight);
    return forSeconds * rate;
  };
  const settled = async (expected) => {
    const deadline = Date.now() + 30_000;
    while ((await receiver.stats()).count < expected && Date.now() < deadline) await sleep(50);
  };
  await receiver.reset();
  await settled(await offer(warmup));
  await receiver.reset(true);
  await settled(await offer(seconds));
  const { latencies } = await receiver.stats(true);
  const sorted = latencies.sort((a, b) => a - b);
  await api.close();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), samples: sorted.length };
}

/** One message to 100 endpoints, repeated: delivery rate. */
export async function fanout({ herald, receiver }) {
  const api = apiClient(herald.url, herald.token, 8);
  const app = await makeApp(api, 'fanout', range(100).map((i) => `${receiver.url}/fanout/${i}`));
  await receiver.reset();
  const messages = 300;
  const t0 = Date.now();
  for (let i = 0; i < messages; i += 100) {
    await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: range(100).map((j) => ({ eventType: 'bench.fanout', data: { n: i + j } })) });
  }
  const expected = messages * 100;
  const deadline = Date.now() + 60_000;
  while ((await receiver.stats()).count < expected && Date.now() < deadline) await sleep(20);
  const { count } = await receiver.stats();
  await api.close();
  return { deliveriesPerSec: Math.round(count / ((Date.now() - t0) / 1000)) };
}

/** Peak RSS of Herald while 1,000,000 deliveries are pending (100 endpoints that never answer). */
export async function backlog({ herald, receiver, total = 1_000_000 }) {
  const api = apiClient(herald.url, herald.token, 8);
  const app = await makeApp(api, 'backlog', range(100).map((i) => `${receiver.url}/stall/${i}`), { timeout: 'PT30S' });
  const messages = total / 100;
  const t0 = Date.now();
  for (let i = 0; i < messages; i += 1000) {
    await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: range(1000).map((j) => ({ eventType: 'bench.backlog', data: { n: i + j } })) });
  }
  await sleep(5000); // the dispatcher works against the full backlog meanwhile
  const peak = peakRssMb(herald.pid);
  await api.close();
  return { peakRssMb: peak, pending: total, publishSeconds: Math.round((Date.now() - t0) / 100) / 10 };
}

/**
 * Delivery rate to healthy endpoints while one endpoint stalls until its timeout, vs. without it.
 * Measured without, with, and without again (the stalling endpoint disabled, so it gets no more
 * deliveries), and compared with the mean of the two windows without: the rate drifts as the
 * database grows, and on a shared machine, and a single before/after pair would put that drift
 * into the ratio.
 */
export async function isolation({ herald, receiver, seconds }) {
  const api = apiClient(herald.url, herald.token, 8);
  const app = await makeApp(api, 'isolation', range(10).map((i) => `${receiver.url}/iso/${i}`));
  const measure = async () => (await sustained({ api, app, receiver, herald, fanout: 10, seconds })).rate;
  const before = await measure();
  const stall = await api.call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/stall/iso`, timeout: 'PT5S' });
  const withStall = await measure();
  await api.call('PATCH', `/api/v1/apps/${app.id}/endpoints/${stall.id}`, { disabled: true });
  await sleep(6000); // its requests still in flight run into their 5 s timeout first
  const after = await measure();
  await api.close();
  const without = Math.round((before + after) / 2);
  return { without, with: withStall, ratio: Math.round((withStall / without) * 100) / 100, withoutBefore: before, withoutAfter: after };
}

export { startHerald };
