import { afterEach, expect, it } from 'vitest';
import pino from 'pino';
import { DeliveryThreads } from '../../src/delivery/delivery-threads.js';
import { newId } from '../../src/domain/ids.js';
import type { ClaimedDelivery } from '../../src/store/store.js';
import { iso, makeEndpoint, makeMessage, T } from '../store/store-fixtures.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/test-herald.js';

// What the dispatcher relies on when a delivery thread dies: the requests it held fail (their
// deliveries stay leased and come back later), and a new thread takes the next ones.

let threads: DeliveryThreads | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await threads?.close();
  await receiver?.close();
});

function claimedFor(url: string): ClaimedDelivery {
  const endpoint = makeEndpoint('app_1', { url });
  const message = makeMessage('app_1');
  return {
    delivery: { id: newId('dlv'), msgId: message.id, endpointId: endpoint.id, appId: 'app_1', status: 'pending', attempts: 0, nextAttemptAt: T, createdAt: iso(T), updatedAt: iso(T) },
    message,
    endpoint,
    appRetrySchedule: null,
  };
}

it('fails the requests of a thread that exits, and sends the next ones from a new thread', async () => {
  receiver = await startReceiver(() => new Promise(() => {})); // holds every request
  threads = new DeliveryThreads(1, { userAgent: 'test', defaultRetrySchedule: [], policy: { allowPrivateNetworks: true, allowedNetworks: [] } }, pino({ level: 'silent' }));
  const held = threads.deliver(claimedFor(receiver.url));
  await eventually(() => receiver!.requests.length === 1);

  const worker = (threads as unknown as { threads: Array<{ worker: { terminate(): Promise<number> } }> }).threads[0]!.worker;
  await worker.terminate();
  await expect(held).rejects.toThrow(/delivery thread exited/);

  const answering = await startReceiver();
  try {
    const result = await threads.deliver(claimedFor(answering.url));
    expect(result.attempt).toMatchObject({ status: 'success', responseStatus: 200 });
  } finally {
    await answering.close();
  }
});
