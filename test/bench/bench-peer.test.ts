import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { redisAnswers, startPeer, type PeerProcess } from '../../bench/peer/peer-process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// The bench compares Herald with this peer (issue #21): its figures mean something only if it
// really delivers what Herald delivers, signed so that a receiver's verification accepts it.
const redisUp = await redisAnswers();
if (!redisUp) console.warn('test/bench/bench-peer.test.ts skipped: Redis does not answer at 127.0.0.1:6379');

describe.skipIf(!redisUp)("the bench's BullMQ peer", () => {
  let peer: PeerProcess | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await peer?.stop();
    await receiver?.close();
  });

  it('delivers each message published to its HTTP endpoint, signed so that Standard Webhooks verification accepts it', async () => {
    receiver = await startReceiver();
    peer = await startPeer({ shape: 'http', target: `${receiver.url}/hook` });
    for (let n = 0; n < 5; n++) {
      const res = await fetch(`${peer.url}/messages`, { method: 'POST', body: JSON.stringify({ eventType: 'test.peer', data: { n } }) });
      expect(res.status).toBe(202);
    }
    const got = await receiver.waitFor(5);
    const wh = new Webhook(peer.secret);
    const verified = got.map((r) => wh.verify(r.body, r.headers) as { type: string; data: { n: number } });
    expect(verified.map((p) => p.data.n).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(verified.every((p) => p.type === 'test.peer')).toBe(true);
    expect(() => wh.verify(got[0].body.replace('test.peer', 'test.forged'), got[0].headers)).toThrow();
  });

  it('retries a delivery the endpoint refused, with the same webhook-id', async () => {
    receiver = await startReceiver((_req, index) => ({ status: index === 0 ? 503 : 200 }));
    peer = await startPeer({ shape: 'http', target: `${receiver.url}/hook` });
    await fetch(`${peer.url}/messages`, { method: 'POST', body: JSON.stringify({ eventType: 'test.peer', data: {} }) });
    const [first, second] = await receiver.waitFor(2, 15_000);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(new Webhook(peer.secret).verify(second.body, second.headers)).toMatchObject({ type: 'test.peer' });
  });

  it('delivers what it publishes in-process with addBulk', async () => {
    receiver = await startReceiver();
    peer = await startPeer({ shape: 'bulk', target: `${receiver.url}/hook`, maxOutstanding: 400 });
    await peer.produce();
    await expect.poll(async () => (await peer!.stats()).delivered, { timeout: 20_000 }).toBeGreaterThanOrEqual(500);
    await peer.stopProducing();
    expect(receiver.requests.length).toBeGreaterThanOrEqual(500);
    const wh = new Webhook(peer.secret);
    expect(wh.verify(receiver.requests[0].body, receiver.requests[0].headers)).toMatchObject({ type: 'bench.event' });
  });
});
