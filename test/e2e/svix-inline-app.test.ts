import { describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's message create with `application`: the app is created when `{app_id}` names none, then the
// message is published to it; an existing app ignores it. Through the pinned svix SDK and plain HTTP,
// against a real Herald and receiver, on both stores.

const stores = bothStores('Svix message create with application on PostgreSQL');

describe.each(stores)('Svix message create with an inline application ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-inline-app', pg);

  it('creates the app named by {app_id} from application, publishes to it, and ignores application once it exists', async () => {
    const msg = await env.svix.message.create('acme-inline', { eventType: 'inline.one', payload: { n: 1 }, application: { name: 'Acme Inline', metadata: { plan: 'pro' } } });
    const app = await env.svix.application.get('acme-inline');
    expect(app).toMatchObject({ name: 'Acme Inline', uid: 'acme-inline', metadata: { plan: 'pro' } });
    expect((await env.svix.message.list(app.id)).data.map((m) => m.id)).toEqual([msg.id]);

    // Now it exists: application is ignored (the app keeps its name), and the message is delivered.
    await env.svix.endpoint.create('acme-inline', { url: `${env.receiver.url}/inline` });
    const second = await env.svix.message.create('acme-inline', { eventType: 'inline.one', payload: { n: 2 }, application: { name: 'Renamed?' } });
    expect((await env.svix.application.get(app.id)).name).toBe('Acme Inline');
    const arrived = await eventually(() => env.receiver.requests.find((r) => r.url === '/inline'));
    expect(JSON.parse(arrived.body)).toEqual({ n: 2 });
    expect(arrived.headers['svix-id']).toBe(second.id);
    // Its own uid, when given, names the new app.
    await env.svix.message.create('other-ref', { eventType: 'inline.one', payload: {}, application: { name: 'Own uid', uid: 'own-uid' } });
    expect((await env.svix.application.get('own-uid')).name).toBe('Own uid');
    expect((await env.herald.api('GET', '/api/v1/app/other-ref')).status).toBe(404);
  });

  it('answers 404 for an unknown app without application, for an app id, and to app tokens; refuses an app-wide throttle', async () => {
    const bare = await env.herald.api('POST', '/api/v1/app/nobody/msg', { eventType: 'inline.two', payload: {} });
    expect(bare).toMatchObject({ status: 404, body: { code: 'not_found' } });
    // An id Herald never gave out is not a uid to create by.
    const byId = await env.herald.api('POST', '/api/v1/app/app_01ARZ3NDEKTSV4RRFFQ69G5FAV/msg', { eventType: 'inline.two', payload: {}, application: { name: 'X' } });
    expect(byId.status).toBe(404);
    const throttled = await env.herald.api('POST', '/api/v1/app/throttled/msg', { eventType: 'inline.two', payload: {}, application: { name: 'T', throttleRate: 5 } });
    expect(throttled).toMatchObject({ status: 501, body: { code: 'not_implemented', detail: expect.stringContaining('throttleRate') } });
    expect((await env.herald.api('GET', '/api/v1/app/throttled')).status).toBe(404);
    const invalid = await env.herald.api('POST', '/api/v1/app/invalid/msg', { eventType: 'inline.two', payload: {}, application: {} });
    expect(invalid.status).toBe(422);

    // An app token publishes to its own app (application ignored) but cannot create one, nor reach another.
    const own = (await env.herald.api('POST', '/api/v1/apps', { name: 'Tenant', uid: 'tenant-own' })).body;
    const token = (await env.herald.api('POST', `/api/v1/apps/${own.id}/tokens`, { name: 'backend' })).body.token as string;
    const tenant = new Svix(token, { serverUrl: env.herald.url });
    const mine = await tenant.message.create('tenant-own', { eventType: 'inline.two', payload: { n: 1 }, application: { name: 'Tenant' } });
    expect(mine.eventType).toBe('inline.two');
    const refused = await tenant.message.create('tenant-new', { eventType: 'inline.two', payload: {}, application: { name: 'New' } }).catch((err: unknown) => err as { code: number });
    expect(refused).toMatchObject({ code: 404 });
    expect((await env.herald.api('GET', '/api/v1/app/tenant-new')).status).toBe(404);
    const foreign = await tenant.message.create('acme-inline', { eventType: 'inline.two', payload: {} }).catch((err: unknown) => err as { code: number });
    expect(foreign).toMatchObject({ code: 404 });
  });
});
