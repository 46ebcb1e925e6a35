import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heraldWebhook, type WebhookRequest, type WebhookResponse } from '../../src/sdk/express.js';
import { heraldWebhooks } from '../../src/sdk/fastify.js';
import type { VerifiedWebhook } from '../../src/sdk/middleware-support.js';
import { generateSecret } from '../../src/wire/index.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Each receiver is a real server on loopback; Herald delivers real signed requests to it.

let herald: TestHerald;
let appId: string;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  herald = await startTestHerald();
  appId = (await herald.api('POST', '/api/v1/apps', { name: 'middleware' })).body.id;
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await herald.stop();
});

interface Handled {
  webhook: VerifiedWebhook;
  body: unknown;
}

/** Waits for the handler to run once; the middleware must have let the request through. */
function handledOnce() {
  let resolve!: (value: Handled) => void;
  const promise = new Promise<Handled>((r) => (resolve = r));
  return { promise, resolve };
}

async function endpointFor(url: string, extra: Record<string, unknown> = {}) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

async function publish(data: unknown) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'invoice.paid', data });
  expect(res.status).toBe(202);
  return res.body as { id: string };
}

async function forged(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', ...headers },
    body: JSON.stringify({ type: 'invoice.paid', data: { amount: 1_000_000 } }),
  });
  return { status: res.status, body: (await res.json()) as { error: string; reason: string } };
}

describe('Express middleware (node:http handler chain)', () => {
  /** app.post('/hooks', heraldWebhook(opts), handler), without Express itself. */
  async function expressLike(secret: string, handled: ReturnType<typeof handledOnce>) {
    const middleware = heraldWebhook({ secret });
    const server: Server = createServer((req, res) => {
      const request = req as unknown as WebhookRequest;
      middleware(request, res as unknown as WebhookResponse, (err) => {
        if (err) return void res.writeHead(500).end(String(err));
        handled.resolve({ webhook: request.webhook!, body: request.body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  }

  it('lets a real delivery through with req.webhook set, and turns a forged one away with the reason', async () => {
    const handled = handledOnce();
    const secret = generateSecret('standard-webhooks');
    const url = await expressLike(secret, handled);
    await endpointFor(url, { secret });
    const msg = await publish({ invoice: 'in_1', amount: 4200 });

    const { webhook, body } = await handled.promise;
    expect(webhook.id).toBe(msg.id);
    expect(webhook.payload).toMatchObject({ type: 'invoice.paid', data: { invoice: 'in_1', amount: 4200 } });
    expect(body).toEqual(webhook.payload);
    expect(JSON.parse(webhook.rawBody.toString())).toEqual(webhook.payload);

    expect(await forged(url)).toEqual({ status: 401, body: { error: 'webhook_verification_failed', reason: 'signature mismatch' } });
    expect((await forged(url, { 'webhook-signature': 'garbage' })).body.reason).toBe('malformed header webhook-signature');
  });

  it('uses a body express.raw() already read, and fails loudly when a JSON parser consumed it', async () => {
    const mw = heraldWebhook({ secret: generateSecret('standard-webhooks') });
    /** Resolves with what the middleware did: answered itself, or called next (with or without an error). */
    const run = (req: Partial<WebhookRequest>) =>
      new Promise<{ answered?: { status: number; body: string }; next?: unknown }>((resolve) => {
        const res = { statusCode: 0, setHeader: () => undefined, end: (body?: string) => resolve({ answered: { status: res.statusCode, body: body ?? '' } }) };
        const request = { headers: {}, method: 'POST', url: '/hooks', async *[Symbol.asyncIterator]() {}, ...req } as WebhookRequest;
        mw(request, res, (err) => resolve({ next: err }));
      });
    const raw = await run({ body: Buffer.from('{}') });
    expect(raw.answered?.status).toBe(400);
    expect(JSON.parse(raw.answered!.body).reason).toBe('missing header webhook-id');
    const parsed = await run({ body: { already: 'parsed' }, readableEnded: true });
    expect(String(parsed.next)).toMatch(/consumed by another parser/);
  });

  it('refuses to start with an empty secret or an unknown scheme', () => {
    expect(() => heraldWebhook({ secret: '' })).toThrow(/secret is empty/);
    expect(() => heraldWebhook({ secret: 'x', scheme: 'hmac' as never })).toThrow(/unknown signature scheme "hmac"/);
  });
});

describe('Fastify plugin', () => {
  async function fastifyReceiver(secret: string, handled: ReturnType<typeof handledOnce>, scheme: 'stripe' | 'entity-path') {
    const app: FastifyInstance = Fastify();
    app.get('/health', async () => 'ok'); // outside the webhook scope: untouched
    app.register(async (hooks) => {
      await hooks.register(heraldWebhooks, { secret: [secret], scheme });
      const handler = async (req: { webhook: VerifiedWebhook; body: unknown }) => {
        handled.resolve({ webhook: req.webhook, body: req.body });
        return { ok: true };
      };
      hooks.post('/hooks', handler);
      hooks.get('/hooks/*', handler);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
  }

  it('verifies a real stripe-signed delivery before the handler, and rejects a forged one', async () => {
    const handled = handledOnce();
    const secret = 'stripe_test_secret_123';
    const { url } = await fastifyReceiver(secret, handled, 'stripe');
    await endpointFor(`${url}/hooks`, { signature: { scheme: 'stripe' }, secret });
    const msg = await publish({ charge: 'ch_1' });
    const { webhook, body } = await handled.promise;
    expect(webhook.id).toBe(msg.id);
    expect(body).toMatchObject({ type: 'invoice.paid', data: { charge: 'ch_1' } });

    const res = await fetch(`${url}/hooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body: '{"type":"invoice.paid"}',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'webhook_verification_failed', reason: 'signature mismatch' });
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('verifies an entity-path GET, whose signature covers the path', async () => {
    const handled = handledOnce();
    const secret = 'mySecret-entity';
    const { url } = await fastifyReceiver(secret, handled, 'entity-path');
    await endpointFor(`${url}/hooks`, { method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' }, secret, eventTypes: ['CREATE'] });
    await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'CREATE', data: {}, entity: { type: 'Agreement', id: 25 } });
    const { webhook } = await handled.promise;
    expect(webhook.payload).toEqual({ eventType: 'CREATE', entityType: 'Agreement', entityId: '25' });

    const forgedGet = await fetch(`${url}/hooks/CREATE/Agreement/26`, { headers: { 'x-ioffice-signature': '0'.repeat(64) } });
    expect(forgedGet.status).toBe(401);
  });
});
