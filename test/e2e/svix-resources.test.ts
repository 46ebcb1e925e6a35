import { describe, expect, it } from 'vitest';
import { Svix, ApiException, Webhook } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's applications, event types, endpoints, portal access and health over HTTP, on both
// stores: what a Svix SDK user relies on (get_if_exists, uid look-ups, PUT upsert, paging, 422 and
// 501 shapes, idempotency-key), with plain fetch and with Svix's own JavaScript SDK.

const stores = bothStores('the Svix API on PostgreSQL');

describe.each(stores)('Svix applications, event types and endpoints ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-resources', pg);
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => env.herald.api(method, `/api/v1${path}`, body, headers);

  it('creates an application, finds it by uid, and get_if_exists returns it instead of a second one', async () => {
    const created = await api('POST', '/app', { name: 'Acme', uid: 'acme' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^app_/), uid: 'acme', name: 'Acme', metadata: {} });
    expect(typeof created.body.createdAt).toBe('string');
    expect((await api('GET', '/app/acme')).body.id).toBe(created.body.id);
    expect((await api('GET', `/app/${created.body.id}`)).body.uid).toBe('acme');
    const again = await api('POST', '/app?get_if_exists=true', { name: 'Other name', uid: 'acme' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    const conflict = await api('POST', '/app', { name: 'Acme', uid: 'acme' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({ code: 'conflict', detail: expect.any(String) });
    // The SDK's getOrCreate is the same call.
    const viaSdk = await env.svix.application.getOrCreate({ name: 'Acme', uid: 'acme' });
    expect(viaSdk.id).toBe(created.body.id);
  });

  it('keeps metadata on applications and endpoints: set, replaced by PUT, changed by PATCH', async () => {
    const app = await env.svix.application.create({ name: 'Meta', uid: 'meta', metadata: { plan: 'gold' } });
    expect(app.metadata).toEqual({ plan: 'gold' });
    expect((await env.svix.application.get('meta')).metadata).toEqual({ plan: 'gold' });
    expect((await env.svix.application.patch('meta', { metadata: { plan: 'silver', region: 'eu' } })).metadata).toEqual({ plan: 'silver', region: 'eu' });
    expect((await env.svix.application.patch('meta', { name: 'Meta 2' })).metadata).toEqual({ plan: 'silver', region: 'eu' });
    // PUT replaces the whole application: no metadata in the body, none kept.
    expect((await api('PUT', '/app/meta', { name: 'Meta 3' })).body.metadata).toEqual({});
    const ep = await env.svix.endpoint.create('meta', { url: `${env.receiver.url}/meta`, metadata: { owner: 'billing' } });
    expect((await env.svix.endpoint.get('meta', ep.id)).metadata).toEqual({ owner: 'billing' });
    expect((await env.svix.endpoint.patch('meta', ep.id, { disabled: true })).metadata).toEqual({ owner: 'billing' });
    expect((await env.svix.endpoint.patch('meta', ep.id, { metadata: {} })).metadata).toEqual({});
  });

  it('PUT upserts an application by uid, PATCH changes it, DELETE removes it', async () => {
    const made = await api('PUT', '/app/globex', { name: 'Globex' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ uid: 'globex', name: 'Globex' });
    const replaced = await api('PUT', '/app/globex', { name: 'Globex Corp', uid: 'globex' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: made.body.id, name: 'Globex Corp' });
    const patched = await env.svix.application.patch('globex', { name: 'Globex Inc' });
    expect(patched.name).toBe('Globex Inc');
    expect((await api('DELETE', '/app/globex')).status).toBe(204);
    const gone = await api('GET', '/app/globex');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ code: 'not_found', detail: expect.stringContaining('globex') });
  });

  it('pages application lists with limit and iterator until done', async () => {
    for (let i = 0; i < 5; i++) await api('POST', '/app', { name: `Page ${i}`, uid: `page-${i}` });
    const seen: string[] = [];
    let iterator: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await api('GET', `/app?limit=2${iterator ? `&iterator=${iterator}` : ''}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'done', 'iterator', 'prevIterator']);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((a: { uid: string }) => a.uid));
      pages++;
      if (res.body.done) break;
      iterator = res.body.iterator;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 5; i++) expect(seen).toContain(`page-${i}`);
    expect(new Set(seen).size).toBe(seen.length);
    const viaSdk = await env.svix.application.list({ limit: 250 });
    expect(viaSdk.data.map((a) => a.uid)).toEqual(expect.arrayContaining(seen));
    expect(viaSdk.done).toBe(true);
  });

  it('answers invalid bodies with 422 {detail: [{loc, msg, type}]} and unsupported fields with 501', async () => {
    const missing = await api('POST', '/app', { uid: 'no-name' });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([{ loc: ['body', 'name'], msg: expect.any(String), type: 'value_error.missing' }]);
    const wrongType = await api('POST', '/app', { name: 5 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail[0]).toMatchObject({ loc: ['body', 'name'], type: 'type_error' });
    const throttled = await api('POST', '/app', { name: 'Throttled', throttleRate: 5 });
    expect(throttled.status).toBe(501);
    expect(throttled.body).toEqual({ code: 'not_implemented', detail: expect.stringContaining('throttleRate') });
    // The SDK surfaces both as ApiException with the status and Svix's body.
    const err = await env.svix.application.create({ name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<{ detail: unknown[] }>).code).toBe(422);
    expect((err as ApiException<{ detail: unknown[] }>).body.detail.length).toBeGreaterThan(0);
  });

  it('replays a POST with the same idempotency-key instead of acting twice', async () => {
    const key = `key-${Date.now()}`;
    const first = await api('POST', '/app', { name: 'Once' }, { 'idempotency-key': key });
    const second = await api('POST', '/app', { name: 'Once' }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const all = (await api('GET', '/app?limit=250')).body.data.filter((a: { name: string }) => a.name === 'Once');
    expect(all).toHaveLength(1);
    const reused = await api('POST', '/app', { name: 'Different' }, { 'idempotency-key': key });
    expect(reused.status).toBe(409);
    const fresh = await api('POST', '/app', { name: 'Once' }, { 'idempotency-key': `${key}-2` });
    expect(fresh.body.id).not.toBe(first.body.id);
    // Concurrent retries with one key: the later ones wait for the first answer instead of acting.
    const racing = await Promise.all([1, 2, 3].map(() => api('POST', '/app', { name: 'Racing' }, { 'idempotency-key': `${key}-race` })));
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect((await api('GET', '/app?limit=250')).body.data.filter((a: { name: string }) => a.name === 'Racing')).toHaveLength(1);
  });

  it('event types: create, conflict, get, PUT upsert, PATCH, list with content, delete, OpenAPI import', async () => {
    const schemaV1 = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    const created = await api('POST', '/event-type', { name: 'invoice.paid', description: 'An invoice was paid', schemas: { '1': schemaV1 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'invoice.paid', description: 'An invoice was paid', deprecated: false, schemas: { '1': schemaV1 } });
    expect((await api('POST', '/event-type', { name: 'invoice.paid', description: 'again' })).status).toBe(409);
    const put = await api('PUT', '/event-type/invoice.voided', { description: 'Voided' });
    expect(put.status).toBe(201);
    expect((await api('PUT', '/event-type/invoice.voided', { description: 'Voided!' })).status).toBe(200);
    const patched = await env.svix.eventType.patch('invoice.voided', { deprecated: true, groupName: 'invoices' });
    expect(patched).toMatchObject({ deprecated: true, groupName: 'invoices', description: 'Voided!' });
    const list = await api('GET', '/event-type?with_content=true');
    expect(list.body.data.find((e: { name: string }) => e.name === 'invoice.paid').schemas).toEqual({ '1': schemaV1 });
    const two = await api('PATCH', '/event-type/invoice.paid', { schemas: { '1': schemaV1, '2': schemaV1 } });
    expect(two.status).toBe(501);
    // DELETE archives (svix-event-types.test.ts); with expunge it removes.
    expect((await api('DELETE', '/event-type/invoice.voided')).status).toBe(204);
    expect((await api('GET', '/event-type/invoice.voided')).body.archived).toBe(true);
    expect((await api('DELETE', '/event-type/invoice.voided?expunge=true')).status).toBe(204);
    expect((await api('GET', '/event-type/invoice.voided')).status).toBe(404);
    const imported = await env.svix.eventType.importOpenapi({
      spec: { openapi: '3.1.0', info: { title: 't', version: '1' }, webhooks: { 'pet.new': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } } } } } },
    });
    expect(imported.data.modified).toEqual(['pet.new']);
    expect((await env.svix.eventType.get('pet.new')).name).toBe('pet.new');
  });

  it('endpoints: create with filterTypes and channels, get by uid, PUT, PATCH, list, delete', async () => {
    const app = (await api('POST', '/app', { name: 'Endpoints', uid: 'ep-app' })).body;
    const ep = await env.svix.endpoint.create('ep-app', { url: `${env.receiver.url}/a`, uid: 'main', description: 'Main', filterTypes: ['invoice.paid'], channels: ['project-1'], throttleRate: 10 });
    expect(ep).toMatchObject({ uid: 'main', url: `${env.receiver.url}/a`, description: 'Main', filterTypes: ['invoice.paid'], channels: ['project-1'], throttleRate: 10, version: 1, disabled: false });
    expect(ep.id).toMatch(/^ep_/);
    expect((await api('GET', `/app/${app.id}/endpoint/main`)).body.id).toBe(ep.id);
    const updated = await api('PUT', `/app/ep-app/endpoint/${ep.id}`, { url: `${env.receiver.url}/b` });
    expect(updated.status).toBe(200);
    // PUT replaces: what the body leaves out is cleared.
    expect(updated.body).toMatchObject({ url: `${env.receiver.url}/b`, description: '', filterTypes: null, channels: null, throttleRate: null });
    const upserted = await api('PUT', '/app/ep-app/endpoint/second', { url: `${env.receiver.url}/c` });
    expect(upserted.status).toBe(201);
    expect(upserted.body.uid).toBe('second');
    const patched = await env.svix.endpoint.patch('ep-app', 'second', { disabled: true });
    expect(patched.disabled).toBe(true);
    const list = await env.svix.endpoint.list('ep-app');
    expect(list.data.map((e) => e.uid).sort()).toEqual(['main', 'second']);
    await env.svix.endpoint.delete('ep-app', 'second');
    expect((await api('GET', '/app/ep-app/endpoint/second')).status).toBe(404);
  });

  it('endpoint secret, rotation, headers, send-example and recover', async () => {
    await api('POST', '/app', { name: 'Secrets', uid: 'sec-app' });
    // Svix keeps examples in the schema; send-example sends the first.
    const example = { order: 'ord_1', total: 12.5 };
    await api('PUT', '/event-type/order.made', { description: 'An order', schemas: { '1': { type: 'object', examples: [example] } } });
    const ep = await env.svix.endpoint.create('sec-app', { url: `${env.receiver.url}/sec`, uid: 'sec' });
    const { key } = await env.svix.endpoint.getSecret('sec-app', 'sec');
    expect(key).toMatch(/^whsec_/);
    await env.svix.endpoint.rotateSecret('sec-app', 'sec', {});
    const rotated = (await env.svix.endpoint.getSecret('sec-app', 'sec')).key;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(key);

    await env.svix.endpoint.updateHeaders('sec-app', 'sec', { headers: { 'X-Team': 'billing', 'X-Env': 'test' } });
    await env.svix.endpoint.patchHeaders('sec-app', 'sec', { headers: { 'X-Env': null as unknown as string, 'X-New': '1' } });
    expect(await env.svix.endpoint.getHeaders('sec-app', 'sec')).toEqual({ headers: { 'X-Team': 'billing', 'X-New': '1' }, sensitive: [] });

    const sent = await api('POST', `/app/sec-app/endpoint/${ep.id}/send-example`, { eventType: 'order.made' });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ id: expect.stringMatching(/^msg_/), eventType: 'order.made' });
    const arrived = await eventually(() => env.receiver.requests.find((r) => r.url === '/sec' && r.headers['webhook-id'] === sent.body.id));
    expect(arrived.headers['x-team']).toBe('billing');
    expect(arrived.headers['x-new']).toBe('1');
    expect(arrived.headers['x-env']).toBeUndefined();
    // As Svix sends it: the body is the payload itself, signed with Standard Webhooks.
    expect(sent.body.payload).toEqual(example);
    expect(JSON.parse(arrived.body)).toEqual(example);
    expect(new Webhook(rotated).verify(arrived.body, arrived.headers)).toEqual(sent.body.payload);

    const stats = await eventually(async () => {
      const s = await env.svix.endpoint.getStats('sec-app', 'sec');
      return s.success === 1 ? s : null;
    });
    expect(stats).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 });
    const future = await api('GET', `/app/sec-app/endpoint/sec/stats?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(future.body).toEqual({ success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 });

    const recover = await env.svix.endpoint.recover('sec-app', 'sec', { since: new Date(Date.now() - 3600_000) });
    expect(recover.id).toMatch(/^qtask_/);
    expect(['running', 'finished']).toContain(recover.status);
    // `until` bounds the window (test/e2e/svix-recover-example.test.ts recovers inside one).
    const until = await api('POST', '/app/sec-app/endpoint/sec/recover', { since: new Date(Date.now() - 3600_000).toISOString(), until: new Date().toISOString() });
    expect(until.status).toBe(202);
  });

  it('app portal access answers {url, token} that opens Herald\'s portal; expire-all revokes it', async () => {
    const access = await env.svix.authentication.appPortalAccess('portal-app', { application: { name: 'Portal app', uid: 'portal-app' } });
    expect(access.url).toContain('/portal');
    expect(access.url).toContain(encodeURIComponent(access.token));
    const app = (await api('GET', '/app/portal-app')).body;
    const asPortal = await fetch(`${env.herald.url}/api/v1/apps/${app.id}/endpoints`, { headers: { authorization: `Bearer ${access.token}` } });
    expect(asPortal.status).toBe(200);
    await env.svix.authentication.expireAll('portal-app', {});
    const after = await fetch(`${env.herald.url}/api/v1/apps/${app.id}/endpoints`, { headers: { authorization: `Bearer ${access.token}` } });
    expect(after.status).toBe(401);
  });

  it('an app token sees only its own app through the Svix routes', async () => {
    const mine = (await api('POST', '/app', { name: 'Mine', uid: 'mine' })).body;
    await api('POST', '/app', { name: 'Theirs', uid: 'theirs' });
    const token = (await env.herald.api('POST', `/api/v1/apps/${mine.id}/tokens`, { name: 'svix' })).body.token as string;
    const asApp = new Svix(token, { serverUrl: env.herald.url });
    expect((await asApp.endpoint.list('mine')).data).toEqual([]);
    const other = await asApp.endpoint.list('theirs').catch((e: unknown) => e);
    expect((other as ApiException<unknown>).code).toBe(404);
    const listAll = await asApp.application.list().catch((e: unknown) => e);
    expect((listAll as ApiException<unknown>).code).toBe(403);
  });

  it('health answers 204; a Svix feature Herald lacks answers 501 naming the route', async () => {
    await env.svix.health.get();
    const stream = await api('GET', '/stream');
    expect(stream.status).toBe(501);
    expect(stream.body.detail).toContain('GET /api/v1/stream');
    const transformation = await api('GET', '/app/x/endpoint/y/transformation');
    expect(transformation.status).toBe(501);
    expect(transformation.body.detail).toContain('/transformation');
  });
});
