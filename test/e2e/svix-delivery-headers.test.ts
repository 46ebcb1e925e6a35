import { describe, expect, it } from 'vitest';
import { Svix, Webhook } from 'svix';
import { type ReceivedRequest } from '../helpers/receiver.js';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// An endpoint created through Svix's routes is sent what Svix sends: svix-id, svix-timestamp and
// svix-signature (the `svix` scheme), which receivers moving from Svix read by name. Checked at a
// real loopback receiver with the svix SDK's own Webhook class given only those headers; Herald's
// own API still creates Standard Webhooks endpoints and can choose either.

const stores = bothStores('Svix delivery headers on PostgreSQL');

/** Only the svix-* headers of a request, as a receiver written for Svix reads them. */
const svixHeaders = (r: ReceivedRequest) => ({ 'svix-id': r.headers['svix-id']!, 'svix-timestamp': r.headers['svix-timestamp']!, 'svix-signature': r.headers['svix-signature']! });

describe.each(stores)('Svix delivery headers ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-delivery-headers', pg);
  const arrivedAt = (path: string, count = 1) => eventually(() => {
    const got = env.receiver.requests.filter((r) => r.url === path);
    return got.length >= count ? got : null;
  });

  it('signs deliveries to a Svix-created endpoint with svix-* headers that the svix Webhook class verifies', async () => {
    const app = await env.svix.application.create({ name: 'Branded' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/branded` });
    const { key: secret } = await env.svix.endpoint.getSecret(app.id, ep.id);
    const msg = await env.svix.message.create(app.id, { eventType: 'branded.sent', payload: { id: 42, name: 'Ada' } });
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
    await env.svix.endpoint.rotateSecret(app.id, ep.id, { gracePeriodSeconds: 3600 });
    const { key: rotated } = await env.svix.endpoint.getSecret(app.id, ep.id);
    await env.svix.message.create(app.id, { eventType: 'branded.sent', payload: { id: 43 } });
    const [, second] = await arrivedAt('/branded', 2);
    expect(second!.headers['svix-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated).verify(second!.body, svixHeaders(second!))).toEqual({ id: 43 });
    expect(new Webhook(secret).verify(second!.body, svixHeaders(second!))).toEqual({ id: 43 });
  });

  it('upserted endpoints sign the same way; Herald\'s own API keeps Standard Webhooks and can choose svix', async () => {
    const app = await env.svix.application.create({ name: 'Upserted' });
    await env.herald.api('PUT', `/api/v1/app/${app.id}/endpoint/by-uid`, { url: `${env.receiver.url}/upserted` });
    const herald1 = await env.herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${env.receiver.url}/own` });
    expect(herald1.status).toBe(201);
    expect(herald1.body.signature).toEqual({ scheme: 'standard-webhooks' });
    const chosen = await env.herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${env.receiver.url}/chosen`, signature: { scheme: 'svix' } });
    expect(chosen.status).toBe(201);
    await env.svix.message.create(app.id, { eventType: 'mixed.sent', payload: { n: 1 } });
    const [upserted] = await arrivedAt('/upserted');
    const [own] = await arrivedAt('/own');
    const [picked] = await arrivedAt('/chosen');
    expect(upserted!.headers['svix-signature']).toBeDefined();
    expect(picked!.headers['svix-signature']).toBeDefined();
    expect(own!.headers['svix-signature']).toBeUndefined();
    expect(own!.headers['webhook-signature']).toBeDefined();
    // The svix Webhook class reads either naming.
    const { key } = await env.svix.endpoint.getSecret(app.id, herald1.body.id);
    expect(new Webhook(key).verify(own!.body, own!.headers)).toBeDefined();
  });
});
