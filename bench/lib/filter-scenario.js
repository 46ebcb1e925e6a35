import { apiClient, makeApp } from './api.js';
import { cpuMs } from './processes.js';

const range = (n) => Array.from({ length: n }, (_, i) => i);

/** What each filtered endpoint carries: true for every benchmark message, so both apps write the same rows. */
export const BENCH_FILTER = 'data.amount >= 0 && data.currency == "EUR" && data.lines.exists(l, l.qty > 0)';

/**
 * Fan-out with payload filters against none, side by side in one Herald (started with
 * --no-dispatcher, so sending does not compete): two apps of `endpoints` endpoints each, one plain
 * and one whose endpoints all carry BENCH_FILTER. The filter holds for every message, so both write
 * the same deliveries and the difference is the filters' cost (parsing data, evaluating). Batches of
 * 100 from 4 clients; the two apps take turns in short windows, so drift on a shared machine falls
 * on both alike. Herald's CPU time per message is reported too: on a loaded machine it varies
 * less than the rate does.
 */
export async function fanoutFilter({ herald, receiver, seconds, endpoints = 20, windows = 6 }) {
  const api = apiClient(herald.url, herald.token, 8);
  const urls = range(endpoints).map((i) => `${receiver.url}/filter/${i}`);
  const plain = await makeApp(api, 'fanout-plain', urls);
  const filtered = await makeApp(api, 'fanout-filter', urls, { filter: BENCH_FILTER });
  const batch = (n) => ({
    messages: range(100).map((j) => ({ eventType: 'bench.filter', data: { n: n + j, amount: j, currency: 'EUR', lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] } })),
  });
  const totals = { plain: { messages: 0, ms: 0, cpuMs: 0 }, filtered: { messages: 0, ms: 0, cpuMs: 0 } };
  const windowMs = (seconds * 1000) / windows;
  for (let w = 0; w < windows; w++) {
    const [name, app] = w % 2 === 0 ? ['plain', plain] : ['filtered', filtered];
    const t0 = Date.now();
    const cpu0 = cpuMs(herald.pid);
    const deadline = t0 + windowMs;
    let messages = 0;
    await Promise.all(range(4).map(async () => {
      while (Date.now() < deadline) {
        const res = await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, batch(messages));
        if (res.data.some((m) => m.deliveries !== endpoints)) throw new Error(`fan-out-filter: a message did not reach all ${endpoints} endpoints`);
        messages += 100;
      }
    }));
    totals[name].messages += messages;
    totals[name].ms += Date.now() - t0;
    totals[name].cpuMs += cpuMs(herald.pid) - cpu0;
  }
  await api.close();
  const rate = (t) => Math.round(t.messages / (t.ms / 1000));
  const without = rate(totals.plain);
  const withFilter = rate(totals.filtered);
  const cpuUs = (t) => Math.round((t.cpuMs * 1000) / t.messages);
  return {
    endpoints, without, with: withFilter, ratio: Math.round((withFilter / without) * 100) / 100,
    cpuUsPerMessageWithout: cpuUs(totals.plain), cpuUsPerMessageWith: cpuUs(totals.filtered),
  };
}
