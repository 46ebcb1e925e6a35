import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix, Webhook } from 'svix';
import { startReceiver, type Receiver, type ReceivedRequest } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// An endpoint created through Svix's routes is sent what Svix sends: svix-id, svix-timestamp and
// svix-signature (the `svix` scheme), which receivers moving from Svix read by name. Checked at a
// real loopback receiver with the svix SDK's own Webhook class given only those headers; Herald's
// own API still creates Standard Webhooks endpoints and can choose either.

warnIfNoPostgres('Svix delivery headers on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** Only the svix-* headers of a request, as a receiver written for Svix reads them. */
const svixHeaders = (r: ReceivedRequest) => ({ 'svix-id': r.headers['svix-id']!, 'svix-timestamp': r.headers['svix-timestamp']!, 'svix-signature': r.headers['svix-signature']! });

describe.each(stores)('Svix delivery headers ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let svix: Svix;
  const arrivedAt = (path: string, count = 1) => eventually(() => {
    const got = receiver.requests.filter((r) => r.url === path);
    return got.length >= count ? got : null;
  });

  beforeAll(async () => {
    schema = pg ? testSchema('svix-delivery-headers') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('signs deliveries to a Svix-created endpoint with svix-* headers that the svix Webhook class verifies', async () => {
    const app = await svix.application.create({ name: 'Branded' });
    const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/branded` });
    const { key: secret } = await svix.endpoint.getSecret(app.id, ep.id);
    const msg = await svix.message.create(app.id, { eventType: 'branded.sent', payload: { id: 42, name: 'Ada' } });
    const [request] = await arrivedAt('/branded');
    expect(request!.headers['svix-id']).toBe(msg.id);
    expect(request!.headers['svix-timestamp']).toMatch(/^\d{10}$/);
    expect(request!.headers['svix-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // Svix sends no webhook-timestamp or webhook-signature (Herald's webhook-id is on every request).
    expect(request!.headers['webhook-signature']).toBeUndefined();
    expect(request!.headers['webhook-timestamp']).toBeUndefined();
    expect(new Webhook(secret).verify(request!.body, svixHeaders(request!))).toEqual({ id: 42, name: 'Ada' });
    expect(() => new Webhook(secret).verify(`${request!.body} `, svixHeaders(request!))).toThrow();

    // During a rotation's grace period both secrets sign, in the one svix-signature header.
    await svix.endpoint.rotateSecret(app.id, ep.id, { gracePeriodSeconds: 3600 });
    const { key: rotated } = await svix.endpoint.getSecret(app.id, ep.id);
    await svix.message.create(app.id, { eventType: 'branded.sent', payload: { id: 43 } });
    const [, second] = await arrivedAt('/branded', 2);
    expect(second!.headers['svix-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated).verify(second!.body, svixHeaders(second!))).toEqual({ id: 43 });
    expect(new Webhook(secret).verify(second!.body, svixHeaders(second!))).toEqual({ id: 43 });
  });

  it('upserted endpoints sign the same way; Herald\'s own API keeps Standard Webhooks and can choose svix', async () => {
    const app = await svix.application.create({ name: 'Upserted' });
    await herald.api('PUT', `/api/v1/app/${app.id}/endpoint/by-uid`, { url: `${receiver.url}/upserted` });
    const herald1 = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/own` });
    expect(herald1.status).toBe(201);
    expect(herald1.body.signature).toEqual({ scheme: 'standard-webhooks' });
    const chosen = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/chosen`, signature: { scheme: 'svix' } });
    expect(chosen.status).toBe(201);
    await svix.message.create(app.id, { eventType: 'mixed.sent', payload: { n: 1 } });
    const [upserted] = await arrivedAt('/upserted');
    const [own] = await arrivedAt('/own');
    const [picked] = await arrivedAt('/chosen');
    expect(upserted!.headers['svix-signature']).toBeDefined();
    expect(picked!.headers['svix-signature']).toBeDefined();
    expect(own!.headers['svix-signature']).toBeUndefined();
    expect(own!.headers['webhook-signature']).toBeDefined();
    // The svix Webhook class reads either naming.
    const { key } = await svix.endpoint.getSecret(app.id, herald1.body.id);
    expect(new Webhook(key).verify(own!.body, own!.headers)).toBeDefined();
  });
});
