import { apiClient, makeApp } from './api.js';
import { cpuMs, sleep } from './processes.js';

const range = (n) => Array.from({ length: n }, (_, i) => i);

/** What each transformed endpoint runs: a typical reshaping (a header, a smaller payload). */
export const BENCH_TRANSFORMATION = `function handler(webhook) {
  webhook.headers['X-Tenant'] = 'acme';
  webhook.payload = { id: webhook.payload.data.n, kind: webhook.eventType, lines: webhook.payload.data.lines.length };
  return webhook;
}`;

/**
 * Delivery with a transformation against none, side by side in one Herald: two apps of
 * `endpoints` endpoints each, one plain and one whose endpoints all run BENCH_TRANSFORMATION. Each
 * round publishes `messages` messages to one app and waits until the receiver has every delivery;
 * the apps take turns, so drift on a shared machine falls on both alike. Reports deliveries/s and
 * Herald's CPU time per delivery (all threads) for each, and their ratios.
 */
export async function deliveryTransform({ herald, receiver, messages = 1000, endpoints = 10, rounds = 6 }) {
  const api = apiClient(herald.url, herald.token, 8);
  const urls = range(endpoints).map((i) => `${receiver.url}/transform/${i}`);
  const plain = await makeApp(api, 'transform-plain', urls);
  const transformed = await makeApp(api, 'transform-on', urls, { transformation: BENCH_TRANSFORMATION });
  const totals = { plain: { deliveries: 0, ms: 0, cpuMs: 0 }, transformed: { deliveries: 0, ms: 0, cpuMs: 0 } };
  for (let round = 0; round < rounds; round++) {
    const [name, app] = round % 2 === 0 ? ['plain', plain] : ['transformed', transformed];
    await receiver.reset();
    const cpu0 = cpuMs(herald.pid);
    const t0 = Date.now();
    for (let sent = 0; sent < messages; sent += 100) {
      const batch = range(100).map((j) => ({ eventType: 'bench.transform', data: { n: sent + j, lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] } }));
      await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: batch });
    }
    const expected = messages * endpoints;
    const deadline = Date.now() + 120_000;
    while ((await receiver.stats()).count < expected) {
      if (Date.now() > deadline) throw new Error(`delivery-transform: ${name} did not deliver ${expected} within 2 minutes`);
      await sleep(10);
    }
    totals[name].deliveries += expected;
    totals[name].ms += Date.now() - t0;
    totals[name].cpuMs += cpuMs(herald.pid) - cpu0;
  }
  await api.close();
  const rate = (t) => Math.round(t.deliveries / (t.ms / 1000));
  const cpuUs = (t) => Math.round((t.cpuMs * 1000) / t.deliveries);
  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  const result = {
    endpoints,
    without: rate(totals.plain),
    with: rate(totals.transformed),
    cpuUsWithout: cpuUs(totals.plain),
    cpuUsWith: cpuUs(totals.transformed),
  };
  return { ...result, ratio: ratio(result.with, result.without), cpuRatio: ratio(result.cpuUsWith, result.cpuUsWithout) };
}
