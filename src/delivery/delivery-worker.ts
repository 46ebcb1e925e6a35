import { parentPort, workerData } from 'node:worker_threads';
import type { ClaimedDelivery } from '../store/store.js';
import type { AttemptResult } from './deliver-one.js';
import { InProcessDeliverer, type DelivererOptions } from './deliverer.js';

// A delivery thread (see delivery-threads.ts): renders, signs and sends what the main thread
// claimed, and answers with each attempt's result. The database stays on the main thread.

export type ToWorker =
  | { type: 'deliver'; items: Array<{ id: number; claimed: ClaimedDelivery }> }
  | { type: 'abort'; id: number };
/** `error`: deliverOne threw, which it is built never to do; the main thread logs it as a bug. */
export type FromWorker = { type: 'done'; items: Array<{ id: number; result?: AttemptResult; error?: string }> };

const port = parentPort!;
const deliverer = new InProcessDeliverer(workerData as DelivererOptions);
const aborts = new Map<number, AbortController>();
let finished: FromWorker['items'] = [];

// Results that finish in the same turn of the event loop travel in one message.
function report(item: FromWorker['items'][number]): void {
  aborts.delete(item.id);
  if (finished.length === 0) setImmediate(flush);
  finished.push(item);
}

function flush(): void {
  const items = finished;
  finished = [];
  port.postMessage({ type: 'done', items } satisfies FromWorker);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'abort') {
    aborts.get(msg.id)?.abort();
    return;
  }
  for (const { id, claimed } of msg.items) {
    const abort = new AbortController();
    aborts.set(id, abort);
    deliverer.deliver(claimed, abort.signal).then(
      (result) => report({ id, result }),
      (err: unknown) => report({ id, error: (err as Error)?.stack ?? String(err) }),
    );
  }
});
