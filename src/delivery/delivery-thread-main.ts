import { parentPort, workerData } from 'node:worker_threads';
import type { Endpoint, Message } from '../domain/model.js';
import type { ClaimedDelivery } from '../store/store.js';
import type { AttemptResult } from './deliver-one.js';
import { InProcessDeliverer, type DelivererOptions } from './deliverer.js';

// The entry point of a delivery thread (see delivery-threads.ts): renders, signs and sends what the main thread
// claimed, and answers with each attempt's result. The database stays on the main thread.
// Messages travel as JSON text both ways: everything in them is plain data, and V8's JSON is a
// quarter cheaper than the structured clone postMessage does on objects (serialize + parse of a
// batch of results: 4.7 against 6.5 µs per item).

/**
 * A batch of deliveries to send. Its endpoints and messages travel once each, not once per
 * delivery: a claim's hundreds of deliveries share a few endpoints and messages, and the endpoint
 * (URL, secrets, headers, TLS) is most of a delivery's size.
 */
export interface DeliverBatch {
  type: 'deliver';
  endpoints: Endpoint[];
  messages: Message[];
  items: Array<{ id: number; delivery: ClaimedDelivery['delivery']; appRetrySchedule: ClaimedDelivery['appRetrySchedule'] }>;
}

export type ToThread = DeliverBatch | { type: 'abortAll' };
/** `error`: deliverOne threw, which it is built never to do; the main thread logs it as a bug. */
export type FromThread = { type: 'done'; items: Array<{ id: number; result?: AttemptResult; error?: string }> };

const port = parentPort!;
const deliverer = new InProcessDeliverer(workerData as DelivererOptions);
let finished: FromThread['items'] = [];

// Results that finish in the same turn of the event loop travel in one message.
function report(item: FromThread['items'][number]): void {
  if (finished.length === 0) setImmediate(flush);
  finished.push(item);
}

function flush(): void {
  const items = finished;
  finished = [];
  port.postMessage(JSON.stringify({ type: 'done', items } satisfies FromThread));
}

port.on('message', (text: string) => {
  const msg = JSON.parse(text) as ToThread;
  if (msg.type === 'abortAll') {
    deliverer.abortAll();
    return;
  }
  const endpoints = new Map(msg.endpoints.map((e) => [e.id, e]));
  const messages = new Map(msg.messages.map((m) => [m.id, m]));
  for (const { id, delivery, appRetrySchedule } of msg.items) {
    const claimed = { delivery, appRetrySchedule, endpoint: endpoints.get(delivery.endpointId)!, message: messages.get(delivery.msgId)! };
    deliverer.deliver(claimed).then(
      (result) => report({ id, result }),
      (err: unknown) => report({ id, error: (err as Error)?.stack ?? String(err) }),
    );
  }
});
