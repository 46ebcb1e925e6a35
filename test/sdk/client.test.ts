import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Herald, HeraldApiError } from '../../src/sdk/client.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { isSvixRoute } from '../../src/api/svix/svix-not-implemented.js';

let herald: TestHerald;
let receiver: Receiver;
/** Every request the client made, to check below that it reached every API route. */
const calls: Array<{ method: string; path: string }> = [];
let client: Herald;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver();
  const recording: typeof fetch = (input, init) => {
    calls.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname });
    return fetch(input, init);
  };
  client = new Herald({ url: herald.url, token: herald.token, fetch: recording });
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

describe('Herald client', () => {
  it('drives every API route against a running Herald', async () => {
    const app = await client.apps.create({ name: 'Client test', uid: 'client-test' });
    expect(app).toMatchObject({ id: expect.stringMatching(/^app_/), uid: 'client-test', name: 'Client test' });
    expect((await client.apps.list({ limit: 10 })).data.map((a) => a.id)).toContain(app.id);
    expect((await client.apps.get('client-test')).id).toBe(app.id);
    expect((await client.apps.update(app.id, { name: 'Renamed' })).name).toBe('Renamed');

    expect(await client.eventTypes.create({ name: 'invoice.paid', description: 'an invoice was paid' })).toMatchObject({ name: 'invoice.paid' });
    expect((await client.eventTypes.list()).data.map((e) => e.name)).toContain('invoice.paid');
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };
    expect(await client.eventTypes.update('invoice.paid', { group: 'Billing', schema, examples: [{ id: 1 }] })).toMatchObject({ group: 'Billing', schema });
    expect((await client.eventTypes.get('invoice.paid')).examples).toEqual([{ id: 1 }]);
    expect((await client.eventTypes.list({ group: 'Billing' })).data.map((e) => e.name)).toEqual(['invoice.paid']);
    const imported = await client.eventTypes.import({
      openapi: '3.1.0',
      webhooks: { 'invoice.voided': { post: { tags: ['Billing'], requestBody: { content: { 'application/json': { schema, example: { id: 2 } } } } } } },
    });
    expect(imported).toEqual({ created: ['invoice.voided'], updated: [], skipped: [] });
    await client.eventTypes.delete('invoice.voided');
    await expect(client.eventTypes.get('invoice.voided')).rejects.toMatchObject({ status: 404, code: 'not_found' });

    const endpoint = await client.endpoints.create(app.id, { url: `${receiver.url}/hooks`, eventTypes: ['invoice.paid'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await client.endpoints.list(app.id)).data).toHaveLength(1);
    expect((await client.endpoints.get(app.id, endpoint.id)).url).toBe(`${receiver.url}/hooks`);
    expect((await client.endpoints.update(app.id, endpoint.id, { name: 'receiver' })).name).toBe('receiver');
    expect(await client.endpoints.secret(app.id, endpoint.id)).toEqual({ secret: endpoint.secret });
    const rotated = await client.endpoints.rotateSecret(app.id, endpoint.id, { graceSeconds: 0 });
    expect(rotated.secret).not.toBe(endpoint.secret);

    const test = await client.endpoints.test(app.id, endpoint.id, { eventType: 'invoice.paid' });
    expect(test.eventType).toBe('invoice.paid');
    const tried = await client.endpoints.testTransformation(app.id, endpoint.id, {
      transformation: 'function handler(w) { w.payload = { id: w.payload.data.id }; return w; }', eventType: 'invoice.paid', data: { id: 7 },
    });
    expect(tried).toMatchObject({ outcome: 'sent', error: null, after: { method: 'POST', body: '{"id":7}' } });
    const msg = await client.messages.create(app.id, { eventType: 'invoice.paid', data: { id: 42 } }, { idempotencyKey: 'inv-42' });
    expect(msg).toMatchObject({ duplicate: false, deliveries: 1 });
    expect((await client.messages.create(app.id, { eventType: 'invoice.paid', data: { id: 42 } }, { idempotencyKey: 'inv-42' })).duplicate).toBe(true);
    const batch = await client.messages.createBatch(app.id, [{ eventType: 'invoice.paid', data: { id: 43 } }]);
    expect(batch.data).toHaveLength(1);
    expect((await client.messages.list(app.id, { eventType: 'invoice.paid' })).data.map((m) => m.id)).toContain(msg.id);
    expect((await client.messages.get(app.id, msg.id)).data).toEqual({ id: 42 });
    const aboutInvoice = await client.messages.create(app.id, { eventType: 'invoice.paid', data: {}, entity: { type: 'Invoice', id: 42 } });
    expect((await client.messages.listByEntity(app.id, 'Invoice', 42)).data.map((m) => m.id)).toEqual([aboutInvoice.id]);

    const attempts = await eventually(async () => {
      const page = await client.attempts.listByMessage(app.id, msg.id);
      return page.data.length > 0 ? page : null;
    });
    expect(attempts.data[0]).toMatchObject({ status: 'success', responseStatus: 200, endpointId: endpoint.id });
    expect((await client.attempts.listByEndpoint(app.id, endpoint.id, { status: 'success' })).data.length).toBeGreaterThan(0);
    expect(await client.attempts.stats(app.id, endpoint.id)).toMatchObject({ bucket: 'PT1H', totals: expect.any(Object) });
    expect((await client.messages.get(app.id, msg.id)).delivery).toMatchObject({ state: 'delivered', counts: { delivered: 1 } });
    expect(await client.endpoints.deliveries(app.id, endpoint.id, { status: 'pending' })).toMatchObject({ data: [], done: true });
    expect(await client.messages.resend(app.id, msg.id, endpoint.id)).toMatchObject({ msgId: msg.id, endpointId: endpoint.id });
    const mistake = await client.messages.create(app.id, { eventType: 'invoice.paid', data: { id: 7 } });
    await eventually(async () => (await client.messages.get(app.id, mistake.id)).delivery.state === 'delivered');
    expect(await client.messages.expungeContent(app.id, mistake.id)).toEqual({ id: mistake.id, content: 'expunged' });
    expect((await client.messages.get(app.id, mistake.id)).data).toBeNull();
    const recovery = await client.endpoints.recover(app.id, endpoint.id, { since: new Date(Date.now() - 3_600_000).toISOString() });
    expect(recovery).toMatchObject({ id: expect.stringMatching(/^tsk_/), status: 'finished', total: 0, done: 0 });
    expect((await client.tasks.get(app.id, recovery.id)).id).toBe(recovery.id);

    const token = await client.tokens.create(app.id, { name: 'backend' });
    expect(token.token).toBeTruthy();
    expect((await client.tokens.list(app.id)).data.map((t) => t.id)).toContain(token.id);
    const link = await client.tokens.portalLink(app.id, { expiresIn: 600, capabilities: ['endpoints:read'], eventTypes: ['order.paid'] });
    expect(link.url).toContain('portal');
    expect(link).toMatchObject({ capabilities: ['endpoints:read'], eventTypes: ['order.paid'] });
    const linkClient = new Herald({ url: herald.url, token: link.token });
    expect(await linkClient.tokens.portalSession(app.id)).toMatchObject({ kind: 'portal', capabilities: ['endpoints:read'], eventTypes: ['order.paid'] });
    expect((await client.tokens.portalSession(app.id)).kind).toBe('admin');
    await client.tokens.revokePortalLinks(app.id);
    await expect(linkClient.tokens.portalSession(app.id)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    // Branding: set, read back, a logo uploaded as bytes (a 1x1 PNG) and served, then cleared.
    expect(await client.branding.set(app.id, { productName: 'Acme Cloud', accent: '#2457c5', theme: 'dark' }))
      .toMatchObject({ own: { productName: 'Acme Cloud', accent: '#2457c5', theme: 'dark' } });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const withLogo = await client.branding.setLogo(app.id, 'image/png', png);
    expect(withLogo.logoUrl).toBeTruthy();
    const served = await fetch(new URL(withLogo.logoUrl!, herald.url));
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    await client.branding.deleteLogo(app.id);
    expect((await client.branding.get(app.id)).logoUrl).toBeNull();
    await client.branding.clear(app.id);
    expect((await client.branding.get(app.id)).own).toMatchObject({ productName: null, accent: null, theme: null });
    // An app token is a client of its own: it sees its app only.
    const scoped = new Herald({ url: herald.url, token: token.token });
    expect((await scoped.endpoints.list(app.id)).data).toHaveLength(1);
    await client.tokens.delete(app.id, token.id);
    // Named operator tokens and the audit log (docs/operators.md).
    const viewer = await client.operatorTokens.create({ name: 'sdk-viewer', role: 'viewer' });
    expect(viewer.token).toMatch(/^hrld_op_/);
    expect((await client.operatorTokens.list()).data.map((t) => t.name)).toContain('sdk-viewer');
    const asViewer = new Herald({ url: herald.url, token: viewer.token });
    await expect(asViewer.apps.delete(app.id)).rejects.toMatchObject({ status: 403, code: 'admin_role_required' });
    expect((await client.auditLog.list({ token: 'sdk-viewer' })).data[0]).toMatchObject({ action: 'apps.delete', outcome: 'admin_role_required' });
    await client.operatorTokens.delete(viewer.id);

    await client.endpoints.delete(app.id, endpoint.id);
    await client.apps.delete(app.id);
    await expect(client.apps.get(app.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('has called every route of the API (add a client method for each new route)', () => {
    // Svix's routes (src/api/svix) are served for Svix's own SDKs, in every language; herald/client
    // stays Herald's typed client, so they need no method here (test/e2e/svix-*.test.ts drive them).
    const routes = (herald.server as unknown as { heraldRoutes: Array<{ method: string; url: string }> }).heraldRoutes
      .filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json' && !isSvixRoute(r.url));
    const pattern = (url: string) => new RegExp(`^${url.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
    const staticSegments = (url: string) => url.split('/').filter((s) => s && !s.startsWith(':')).length;
    const reached = new Set<string>();
    for (const call of calls) {
      // The most specific route wins, as in Fastify's router (`messages/batch` over `messages/:msgId`).
      const best = routes
        .filter((r) => r.method === call.method && pattern(r.url).test(call.path))
        .sort((a, b) => staticSegments(b.url) - staticSegments(a.url))[0];
      if (best) reached.add(`${best.method} ${best.url}`);
    }
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((r) => !reached.has(r));
    expect(missing).toEqual([]);
  });

  it('throws HeraldApiError with the code, status and message of the API error', async () => {
    const error = await client.apps.get('no-such-app').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HeraldApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'app "no-such-app" not found' });

    const invalid = await client.apps.create({ name: '' }).catch((err: unknown) => err);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_error' });

    const stranger = new Herald({ url: herald.url, token: 'wrong' });
    await expect(stranger.apps.list()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('pages through a list with paginate()', async () => {
    const app = await client.apps.create({ name: 'paging' });
    for (let i = 0; i < 5; i++) await client.messages.create(app.id, { eventType: 'tick', data: { i } });
    const seen: unknown[] = [];
    for await (const m of client.paginate((q) => client.messages.list(app.id, q), 2)) seen.push(m.data);
    expect(seen).toEqual([{ i: 4 }, { i: 3 }, { i: 2 }, { i: 1 }, { i: 0 }]);
  });
});
