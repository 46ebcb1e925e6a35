import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Scoped portal links (POST …/portal-link `capabilities` and `eventTypes`), over HTTP with real
// tokens on both stores: the API refuses what a link does not allow (not only the portal's UI),
// a limited link sees only its event types, and an admin can revoke every link of an app at once.

warnIfNoPostgres('scoped portal links on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** The capabilities docs/tenants-and-tokens.md lists, written out here rather than read from the code. */
const ALL = ['endpoints:read', 'endpoints:write', 'secrets:read', 'secrets:rotate', 'messages:read', 'messages:resend', 'recover'];

describe.each(stores)('scoped portal links ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let app: { id: string };
  let other: { id: string };
  let base: string;
  /** An endpoint with a delivered message about entity Member/7, made with the admin token. */
  let ep: { id: string; secret: string };
  let msg: { id: string };
  let task: { id: string };

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  async function link(appId: string, scope: { capabilities?: string[]; eventTypes?: string[] } = {}): Promise<string> {
    const res = await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, scope);
    expect(res.status).toBe(201);
    return res.body.token;
  }
  const newEndpoint = async (path: string, extra: object = {}) =>
    (await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}${path}`, ...extra })).body as { id: string; secret: string };
  const hitsWithId = (id: string) => receiver.requests.filter((r) => r.headers['webhook-id'] === id);

  beforeAll(async () => {
    schema = pg ? testSchema('portal-scopes') : null;
    // No per-token API limit: many calls in a row from one link are what is under test.
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    app = (await herald.api('POST', '/api/v1/apps', { name: 'Acme', uid: 'acme' })).body;
    other = (await herald.api('POST', '/api/v1/apps', { name: 'Globex', uid: 'globex' })).body;
    base = `/api/v1/apps/${app.id}`;
    ep = await newEndpoint('/main');
    msg = (await herald.api('POST', `${base}/messages`, { eventType: 'member.added', data: { n: 1 }, entity: { type: 'Member', id: 7 } })).body;
    await eventually(async () => (await herald.api('GET', `${base}/endpoints/${ep.id}/attempts`)).body.data.length > 0);
    task = (await herald.api('POST', `${base}/endpoints/${ep.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() })).body;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  /**
   * Each capability's routes, one request each; `check` asserts the effect when the call is allowed.
   * The routes of a capability are those the rights table in docs/tenants-and-tokens.md gives it.
   */
  const routes: Record<string, Array<{ name: string; call: (token: string) => Promise<{ status: number; body: any }>; check: (res: { status: number; body: any }) => Promise<void> | void }>> = {
    'endpoints:read': [
      { name: 'list endpoints', call: (t) => call(t, 'GET', `${base}/endpoints`), check: (r) => expect(r.body.data.map((e: any) => e.id)).toContain(ep.id) },
      { name: 'get endpoint', call: (t) => call(t, 'GET', `${base}/endpoints/${ep.id}`), check: (r) => expect(r.body.url).toBe(`${receiver.url}/main`) },
      { name: 'endpoint attempts', call: (t) => call(t, 'GET', `${base}/endpoints/${ep.id}/attempts`), check: (r) => expect(r.body.data.map((a: any) => a.msgId)).toContain(msg.id) },
      { name: 'endpoint stats', call: (t) => call(t, 'GET', `${base}/endpoints/${ep.id}/stats`), check: (r) => expect(r.body.totals.attempts).toBeGreaterThan(0) },
    ],
    'endpoints:write': [
      {
        name: 'create endpoint',
        call: (t) => call(t, 'POST', `${base}/endpoints`, { url: `${receiver.url}/by-link`, description: 'made by a link' }),
        check: async (r) => {
          expect(r.status).toBe(201);
          expect((await herald.api('GET', `${base}/endpoints/${r.body.id}`)).body.description).toBe('made by a link');
        },
      },
      {
        name: 'edit endpoint',
        call: (t) => call(t, 'PATCH', `${base}/endpoints/${ep.id}`, { description: 'edited by a link' }),
        check: async () => expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).body.description).toBe('edited by a link'),
      },
      {
        name: 'delete endpoint',
        call: async (t) => call(t, 'DELETE', `${base}/endpoints/${(await newEndpoint('/doomed')).id}`),
        check: async (r) => {
          expect(r.status).toBe(204);
        },
      },
      {
        name: 'send test event',
        call: async (t) => call(t, 'POST', `${base}/endpoints/${(await newEndpoint('/tested')).id}/test`, {}),
        check: async (r) => {
          expect(r.status).toBe(202);
          await eventually(() => hitsWithId(r.body.id).length === 1);
        },
      },
    ],
    'secrets:read': [
      {
        name: 'reveal secret',
        call: (t) => call(t, 'GET', `${base}/endpoints/${ep.id}/secret`),
        check: async (r) => expect(r.body.secret).toBe((await herald.api('GET', `${base}/endpoints/${ep.id}/secret`)).body.secret),
      },
    ],
    'secrets:rotate': [
      {
        name: 'rotate secret',
        call: (t) => call(t, 'POST', `${base}/endpoints/${ep.id}/secret/rotate`, {}),
        check: async (r) => {
          expect(r.status).toBe(200);
          expect((await herald.api('GET', `${base}/endpoints/${ep.id}/secret`)).body.secret).toBe(r.body.secret);
        },
      },
    ],
    'messages:read': [
      { name: 'list messages', call: (t) => call(t, 'GET', `${base}/messages`), check: (r) => expect(r.body.data.map((m: any) => m.id)).toContain(msg.id) },
      { name: 'get message', call: (t) => call(t, 'GET', `${base}/messages/${msg.id}`), check: (r) => expect(r.body.eventType).toBe('member.added') },
      { name: 'message attempts', call: (t) => call(t, 'GET', `${base}/messages/${msg.id}/attempts`), check: (r) => expect(r.body.data[0].endpointId).toBe(ep.id) },
      { name: 'entity messages', call: (t) => call(t, 'GET', `${base}/entities/Member/7/messages`), check: (r) => expect(r.body.data.map((m: any) => m.id)).toEqual([msg.id]) },
    ],
    'messages:resend': [
      {
        name: 'resend',
        call: (t) => call(t, 'POST', `${base}/messages/${msg.id}/endpoints/${ep.id}/resend`),
        check: async (r) => {
          expect(r.status).toBe(202);
          expect(r.body.msgId).toBe(msg.id);
        },
      },
    ],
    recover: [
      {
        name: 'recover',
        call: (t) => call(t, 'POST', `${base}/endpoints/${ep.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() }),
        check: (r) => {
          expect(r.status).toBe(202);
          expect(r.body.endpointId).toBe(ep.id);
        },
      },
      { name: 'recovery task', call: (t) => call(t, 'GET', `${base}/tasks/${task.id}`), check: (r) => expect(r.body.id).toBe(task.id) },
    ],
  };

  it('lists the routes of every capability', () => {
    expect(Object.keys(routes).sort()).toEqual([...ALL].sort());
  });

  it.each(ALL)('a link without "%s" is refused (403) on each of its routes; a link with only it is allowed', async (capability) => {
    const without = await link(app.id, { capabilities: ALL.filter((c) => c !== capability) });
    const only = await link(app.id, { capabilities: [capability] });
    for (const route of routes[capability]!) {
      const denied = await route.call(without);
      expect(denied.status, `${route.name} without ${capability}`).toBe(403);
      expect(denied.body.code).toBe('forbidden');
      expect(denied.body.message).toContain(`"${capability}"`);
    }
    for (const route of routes[capability]!) {
      const allowed = await route.call(only);
      expect(allowed.status, `${route.name} with ${capability}: ${JSON.stringify(allowed.body)}`).toBeLessThan(300);
      await route.check(allowed);
    }
  });

  it('a refused write changes nothing', async () => {
    const readOnly = await link(app.id, { capabilities: ['endpoints:read', 'messages:read'] });
    const target = await newEndpoint('/kept');
    const secret = (await herald.api('GET', `${base}/endpoints/${target.id}/secret`)).body.secret;
    expect((await call(readOnly, 'DELETE', `${base}/endpoints/${target.id}`)).status).toBe(403);
    expect((await call(readOnly, 'PATCH', `${base}/endpoints/${target.id}`, { url: `${receiver.url}/hijacked` })).status).toBe(403);
    expect((await call(readOnly, 'POST', `${base}/endpoints/${target.id}/secret/rotate`, {})).status).toBe(403);
    const after = await herald.api('GET', `${base}/endpoints/${target.id}`);
    expect(after.body.url).toBe(`${receiver.url}/kept`);
    expect((await herald.api('GET', `${base}/endpoints/${target.id}/secret`)).body.secret).toBe(secret);
  });

  it('echoes the scope, tells the portal its scope, and names an unknown capability (400)', async () => {
    const issued = await herald.api('POST', `${base}/portal-link`, { capabilities: ['endpoints:read', 'messages:read'], eventTypes: ['member.added'] });
    expect(issued.status).toBe(201);
    expect(issued.body.capabilities).toEqual(['endpoints:read', 'messages:read']);
    expect(issued.body.eventTypes).toEqual(['member.added']);
    const session = await call(issued.body.token, 'GET', `${base}/portal-session`);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ kind: 'portal', capabilities: ['endpoints:read', 'messages:read'], eventTypes: ['member.added'] });

    const full = await herald.api('POST', `${base}/portal-link`, {});
    expect([...full.body.capabilities].sort()).toEqual([...ALL].sort());
    expect(full.body.eventTypes).toBeNull();

    const bad = await herald.api('POST', `${base}/portal-link`, { capabilities: ['endpoints:read', 'billing:write'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_error');
    expect(bad.body.message).toContain('"billing:write"');
  });

  describe('eventTypes', () => {
    let limited: string;
    let paid: { id: string };
    let refunded: { id: string };
    let wide: { id: string };

    beforeAll(async () => {
      limited = await link(app.id, { eventTypes: ['order.paid'] });
      // An endpoint the product made, subscribed to everything: it gets both types.
      wide = await newEndpoint('/wide');
      paid = (await herald.api('POST', `${base}/messages`, { eventType: 'order.paid', data: { n: 1 }, entity: { type: 'Order', id: 'o-1' } })).body;
      refunded = (await herald.api('POST', `${base}/messages`, { eventType: 'order.refunded', data: { n: 2 }, entity: { type: 'Order', id: 'o-1' } })).body;
      await eventually(async () => (await herald.api('GET', `${base}/endpoints/${wide.id}/attempts`)).body.data.length === 2);
    });

    it('subscribes only to its types; "everything" through the link means exactly its types', async () => {
      const outside = await call(limited, 'POST', `${base}/endpoints`, { url: `${receiver.url}/x`, eventTypes: ['order.paid', 'order.refunded'] });
      expect(outside.status).toBe(403);
      expect(outside.body.code).toBe('forbidden');
      expect(outside.body.message).toContain('"order.refunded"');

      const everything = await call(limited, 'POST', `${base}/endpoints`, { url: `${receiver.url}/everything` });
      expect(everything.status).toBe(201);
      expect((await herald.api('GET', `${base}/endpoints/${everything.body.id}`)).body.eventTypes).toEqual(['order.paid']);

      const chosen = await call(limited, 'POST', `${base}/endpoints`, { url: `${receiver.url}/chosen`, eventTypes: ['order.paid'] });
      expect(chosen.status).toBe(201);

      const widen = await call(limited, 'PATCH', `${base}/endpoints/${chosen.body.id}`, { eventTypes: ['order.refunded'] });
      expect(widen.status).toBe(403);
      const cleared = await call(limited, 'PATCH', `${base}/endpoints/${chosen.body.id}`, { eventTypes: null });
      expect(cleared.status).toBe(200);
      expect((await herald.api('GET', `${base}/endpoints/${chosen.body.id}`)).body.eventTypes).toEqual(['order.paid']);
    });

    it('sees only messages of its types: lists, reads (404 for others), attempts, entity messages, resend', async () => {
      const listed = (await call(limited, 'GET', `${base}/messages`)).body.data.map((m: any) => m.id);
      expect(listed).toContain(paid.id);
      expect(listed).not.toContain(refunded.id);
      expect(listed).not.toContain(msg.id);
      expect((await call(limited, 'GET', `${base}/messages?eventType=order.refunded`)).body.data).toEqual([]);

      expect((await call(limited, 'GET', `${base}/messages/${paid.id}`)).status).toBe(200);
      const hidden = await call(limited, 'GET', `${base}/messages/${refunded.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe('not_found');
      expect((await call(limited, 'GET', `${base}/messages/${refunded.id}/attempts`)).status).toBe(404);
      expect((await call(limited, 'POST', `${base}/messages/${refunded.id}/endpoints/${wide.id}/resend`)).status).toBe(404);

      const attempts = (await call(limited, 'GET', `${base}/endpoints/${wide.id}/attempts`)).body.data.map((a: any) => a.msgId);
      expect(attempts).toEqual([paid.id]);
      const entity = (await call(limited, 'GET', `${base}/entities/Order/o-1/messages`)).body.data.map((m: any) => m.id);
      expect(entity).toEqual([paid.id]);

      // The admin still sees both.
      const adminEntity = (await herald.api('GET', `${base}/entities/Order/o-1/messages`)).body.data.map((m: any) => m.id);
      expect(adminEntity.sort()).toEqual([paid.id, refunded.id].sort());
    });

    it('sees only its types in the event catalogue', async () => {
      for (const name of ['order.paid', 'order.refunded']) {
        expect((await herald.api('POST', '/api/v1/event-types', { name, description: name })).status).toBe(201);
      }
      const names = (await call(limited, 'GET', '/api/v1/event-types')).body.data.map((e: any) => e.name);
      expect(names).toEqual(['order.paid']);
      expect((await call(limited, 'GET', '/api/v1/event-types/order.paid')).status).toBe(200);
      expect((await call(limited, 'GET', '/api/v1/event-types/order.refunded')).status).toBe(404);
      const all = (await call(await link(app.id), 'GET', '/api/v1/event-types')).body.data.map((e: any) => e.name);
      expect(all).toEqual(['order.paid', 'order.refunded']);
    });

    it('sends test events only of its types', async () => {
      const target = await newEndpoint('/test-scope');
      const refused = await call(limited, 'POST', `${base}/endpoints/${target.id}/test`, { eventType: 'order.refunded' });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('"order.refunded"');

      const byDefault = await call(limited, 'POST', `${base}/endpoints/${target.id}/test`, {});
      expect(byDefault.status).toBe(202);
      expect(byDefault.body.eventType).toBe('order.paid');
      const [hit] = await eventually(() => hitsWithId(byDefault.body.id).length === 1 && hitsWithId(byDefault.body.id));
      expect(JSON.parse(hit!.body).type).toBe('order.paid');
      expect(receiver.requests.filter((r) => r.url === '/test-scope')).toHaveLength(1);
    });
  });

  it('revoking every portal link of an app: each answers 401, another app\'s link and app tokens still work', async () => {
    const first = await link(app.id);
    const second = await link(app.id, { capabilities: ['endpoints:read'] });
    const elsewhere = await link(other.id);
    const appToken = (await herald.api('POST', `${base}/tokens`, { name: 'backend' })).body.token;
    expect((await call(first, 'GET', `${base}/endpoints`)).status).toBe(200);

    // Only the admin may.
    expect((await call(appToken, 'DELETE', `${base}/portal-links`)).status).toBe(403);
    expect((await call(first, 'DELETE', `${base}/portal-links`)).status).toBe(403);

    expect((await herald.api('DELETE', `${base}/portal-links`)).status).toBe(204);
    for (const token of [first, second]) {
      const res = await call(token, 'GET', `${base}/endpoints`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect((await call(token, 'GET', `${base}/portal-session`)).status).toBe(401);
    }
    expect((await call(elsewhere, 'GET', `/api/v1/apps/${other.id}/endpoints`)).status).toBe(200);
    expect((await call(appToken, 'GET', `${base}/endpoints`)).status).toBe(200);
    // A link issued after the revocation works.
    expect((await call(await link(app.id), 'GET', `${base}/endpoints`)).status).toBe(200);
  });

  it('admin and app tokens are not limited by capabilities', async () => {
    const appToken = (await herald.api('POST', `${base}/tokens`, { name: 'backend-2' })).body.token;
    const target = await newEndpoint('/unscoped');
    expect((await call(appToken, 'GET', `${base}/endpoints/${target.id}/secret`)).status).toBe(200);
    expect((await call(appToken, 'POST', `${base}/endpoints/${target.id}/secret/rotate`, {})).status).toBe(200);
    expect((await call(appToken, 'POST', `${base}/endpoints`, { url: `${receiver.url}/app-made`, eventTypes: ['anything.at.all'] })).status).toBe(201);
    expect((await call(appToken, 'GET', `${base}/messages/${msg.id}`)).status).toBe(200);
    expect((await call(appToken, 'GET', `${base}/portal-session`)).body).toMatchObject({ kind: 'app', eventTypes: null });
    expect([...(await herald.api('GET', `${base}/portal-session`)).body.capabilities].sort()).toEqual([...ALL].sort());
  });
});
