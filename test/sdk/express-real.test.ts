import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heraldWebhook } from '../../src/sdk/express.js';
import { generateSecret } from '../../src/wire/index.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// The README's dozen-line receiver, on real Express 5: Herald delivers to it, a forger does not get in.
let herald: TestHerald;
let server: import('node:http').Server;
const received: Array<{ id: string; payload: unknown }> = [];
let url = '';
let secret = '';

beforeAll(async () => {
  herald = await startTestHerald();
  const appId = (await herald.api('POST', '/api/v1/apps', { name: 'express' })).body.id;
  const app = express();
  // The secret is chosen up front and given to Herald, as a product's admin would type it in.
  secret = generateSecret('standard-webhooks');
  app.post('/webhooks', heraldWebhook({ secret }) as never, (req: express.Request, res: express.Response) => {
    const webhook = (req as unknown as { webhook: { id: string; payload: unknown } }).webhook;
    received.push({ id: webhook.id, payload: webhook.payload });
    res.sendStatus(204);
  });
  app.use(express.json()); // other routes may parse JSON; the webhook route kept its raw body
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  expect((await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url, secret })).status).toBe(201);
  await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'invoice.paid', data: { amount: 42 } });
});
afterAll(async () => {
  await herald.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('Express middleware on real Express', () => {
  it('lets a real Herald delivery through with its verified payload', async () => {
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(1);
    expect(received[0]!.id).toMatch(/^msg_/);
    expect(received[0]!.payload).toMatchObject({ type: 'invoice.paid', data: { amount: 42 } });
  });

  it('answers a forged request with 401 and a reason, without running the handler', async () => {
    const before = received.length;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: JSON.stringify({ type: 'invoice.paid', data: { amount: 1_000_000 } }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/signature/);
    expect(received).toHaveLength(before);
  });
});
