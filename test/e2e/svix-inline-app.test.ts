import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Svix's message create with `application`: the app is created when `{app_id}` names none, then the
// message is published to it; an existing app ignores it. Through the pinned svix SDK and plain HTTP,
// against a real Herald and receiver, on both stores.

warnIfNoPostgres('Svix message create with application on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('Svix message create with an inline application ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let svix: Svix;

  beforeAll(async () => {
    schema = pg ? testSchema('svix-inline-app') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('creates the app named by {app_id} from application, publishes to it, and ignores application once it exists', async () => {
    const msg = await svix.message.create('acme-inline', { eventType: 'inline.one', payload: { n: 1 }, application: { name: 'Acme Inline', metadata: { plan: 'pro' } } });
    const app = await svix.application.get('acme-inline');
    expect(app).toMatchObject({ name: 'Acme Inline', uid: 'acme-inline', metadata: { plan: 'pro' } });
    expect((await svix.message.list(app.id)).data.map((m) => m.id)).toEqual([msg.id]);

    // Now it exists: application is ignored (the app keeps its name), and the message is delivered.
    await svix.endpoint.create('acme-inline', { url: `${receiver.url}/inline` });
    const second = await svix.message.create('acme-inline', { eventType: 'inline.one', payload: { n: 2 }, application: { name: 'Renamed?' } });
    expect((await svix.application.get(app.id)).name).toBe('Acme Inline');
    const arrived = await eventually(() => receiver.requests.find((r) => r.url === '/inline'));
    expect(JSON.parse(arrived.body)).toEqual({ n: 2 });
    expect(arrived.headers['svix-id']).toBe(second.id);
    // Its own uid, when given, names the new app.
    await svix.message.create('other-ref', { eventType: 'inline.one', payload: {}, application: { name: 'Own uid', uid: 'own-uid' } });
    expect((await svix.application.get('own-uid')).name).toBe('Own uid');
    expect((await herald.api('GET', '/api/v1/app/other-ref')).status).toBe(404);
  });

  it('answers 404 for an unknown app without application, for an app id, and to app tokens; refuses an app-wide throttle', async () => {
    const bare = await herald.api('POST', '/api/v1/app/nobody/msg', { eventType: 'inline.two', payload: {} });
    expect(bare).toMatchObject({ status: 404, body: { code: 'not_found' } });
    // An id Herald never gave out is not a uid to create by.
    const byId = await herald.api('POST', '/api/v1/app/app_01ARZ3NDEKTSV4RRFFQ69G5FAV/msg', { eventType: 'inline.two', payload: {}, application: { name: 'X' } });
    expect(byId.status).toBe(404);
    const throttled = await herald.api('POST', '/api/v1/app/throttled/msg', { eventType: 'inline.two', payload: {}, application: { name: 'T', throttleRate: 5 } });
    expect(throttled).toMatchObject({ status: 501, body: { code: 'not_implemented', detail: expect.stringContaining('throttleRate') } });
    expect((await herald.api('GET', '/api/v1/app/throttled')).status).toBe(404);
    const invalid = await herald.api('POST', '/api/v1/app/invalid/msg', { eventType: 'inline.two', payload: {}, application: {} });
    expect(invalid.status).toBe(422);

    // An app token publishes to its own app (application ignored) but cannot create one, nor reach another.
    const own = (await herald.api('POST', '/api/v1/apps', { name: 'Tenant', uid: 'tenant-own' })).body;
    const token = (await herald.api('POST', `/api/v1/apps/${own.id}/tokens`, { name: 'backend' })).body.token as string;
    const tenant = new Svix(token, { serverUrl: herald.url });
    const mine = await tenant.message.create('tenant-own', { eventType: 'inline.two', payload: { n: 1 }, application: { name: 'Tenant' } });
    expect(mine.eventType).toBe('inline.two');
    const refused = await tenant.message.create('tenant-new', { eventType: 'inline.two', payload: {}, application: { name: 'New' } }).catch((err: unknown) => err as { code: number });
    expect(refused).toMatchObject({ code: 404 });
    expect((await herald.api('GET', '/api/v1/app/tenant-new')).status).toBe(404);
    const foreign = await tenant.message.create('acme-inline', { eventType: 'inline.two', payload: {} }).catch((err: unknown) => err as { code: number });
    expect(foreign).toMatchObject({ code: 404 });
  });
});
