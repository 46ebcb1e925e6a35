// The two publishing shapes the peer comparison uses (issue #21), for Herald and for the BullMQ
// peer alike, measured the same way: deliveries per second at the receiver in a sustained window
// after a warm-up, and the CPU time the delivering process spent per delivery meanwhile.
//   single: one message per HTTP publish request, 64 publishers, one endpoint;
//   batch:  500 messages per request (Herald) or per addBulk (peer), 4 at a time.
import { apiClient, makeApp } from './api.js';
import { cpuMs, sleep } from './processes.js';

const range = (n) => Array.from({ length: n }, (_, i) => i);
// Enough queued work to keep either side busy for a couple of seconds, and small enough that the
// warm-up ends in steady state: BullMQ's worker barely delivers while producers fill a large queue.
export const MAX_OUTSTANDING = 5_000;

/**
 * Runs `publishers` loops of `publishOne` (which resolves to the number of messages it published),
 * holding them back while more than MAX_OUTSTANDING are published but not delivered, so what is
 * measured is delivery rather than the growth of a backlog. `pid` is the process whose CPU counts.
 */
export async function sustainedRate({ receiver, pid, storePid, seconds, warmup = 3, publishers, publishOne, start, stop }) {
  await receiver.reset();
  let delivered = 0;
  let published = 0;
  let done = false;
  const poller = (async () => {
    while (!done) {
      delivered = (await receiver.stats()).count;
      await sleep(20);
    }
  })();
  const loops = range(publishers).map(async () => {
    while (!done) {
      if (published - delivered > MAX_OUTSTANDING) {
        await sleep(5);
        continue;
      }
      published += await publishOne(published);
    }
  });
  await start?.();
  await sleep(warmup * 1000);
  const first = (await receiver.stats()).count;
  const cpu0 = cpuMs(pid);
  const storeCpu0 = storePid ? cpuMs(storePid) : 0;
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const last = (await receiver.stats()).count;
  const cpu = cpuMs(pid) - cpu0;
  const storeCpu = storePid ? cpuMs(storePid) - storeCpu0 : null;
  const elapsed = (Date.now() - t0) / 1000;
  done = true;
  await stop?.();
  await Promise.all([...loops, poller]);
  const count = last - first;
  const perDelivery = (ms) => (count && ms !== null ? Math.round((ms * 1000) / count) : null);
  // storePid: a store in a process of its own (the peer's Redis), counted apart and together.
  const store = storePid ? { storeCpuUsPerDelivery: perDelivery(storeCpu), totalCpuUsPerDelivery: perDelivery(cpu + storeCpu) } : {};
  return { deliveriesPerSec: Math.round(count / elapsed), cpuUsPerDelivery: perDelivery(cpu), ...store };
}

const message = (n) => ({ eventType: 'bench.event', data: { n, t: Date.now() } });

/** Herald, single publishes: 64 publishers, one message per POST …/messages, one endpoint. */
export async function heraldSingle({ herald, receiver, seconds, app: existing }) {
  const api = apiClient(herald.url, herald.token, 64);
  const app = existing ?? (await makeApp(api, 'single', [`${receiver.url}/single`]));
  try {
    return await sustainedRate({
      receiver, pid: herald.pid, seconds, publishers: 64,
      publishOne: async (n) => (await api.call('POST', `/api/v1/apps/${app.id}/messages`, message(n)), 1),
    });
  } finally {
    await api.close();
  }
}

/** Herald, batches: 500 messages per POST …/messages/batch, 4 requests at a time, one endpoint. */
export async function heraldBatch({ herald, receiver, seconds }) {
  const api = apiClient(herald.url, herald.token, 4);
  const app = await makeApp(api, 'batch', [`${receiver.url}/batch`]);
  try {
    return await sustainedRate({
      receiver, pid: herald.pid, seconds, publishers: 4,
      publishOne: async (n) => {
        await api.call('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: range(500).map((i) => message(n + i)) });
        return 500;
      },
    });
  } finally {
    await api.close();
  }
}

/** The peer behind its node:http endpoint: 64 publishers, one message per POST /messages. */
export async function peerSingle({ peer, receiver, seconds, redisPid }) {
  const api = apiClient(peer.url, 'none', 64);
  try {
    return await sustainedRate({
      receiver, pid: peer.pid, storePid: redisPid, seconds, publishers: 64,
      publishOne: async (n) => (await api.call('POST', '/messages', message(n)), 1),
    });
  } finally {
    await api.close();
  }
}

/** The peer publishing in its own process: addBulk of 500, 4 at a time (it holds itself back). */
export async function peerBulk({ peer, receiver, seconds, redisPid }) {
  return sustainedRate({
    receiver, pid: peer.pid, storePid: redisPid, seconds, publishers: 0, publishOne: async () => 0,
    start: () => peer.produce(), stop: () => peer.stopProducing(),
  });
}
