import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { isSvixRoute } from '../../src/api/svix/svix-not-implemented.js';

interface Tenant {
  app: { id: string; uid: string };
  token: string;
  tokenId: string;
  endpointId: string;
  msgId: string;
  /** The message's delivery attempt, as Svix's routes name it (atmpt_…). */
  attemptId: string;
  taskId: string;
}

let herald: TestHerald;
let receiver: Receiver;
let a: Tenant;
let b: Tenant;

async function makeTenant(uid: string): Promise<Tenant> {
  const app = (await herald.api('POST', '/api/v1/apps', { name: uid, uid })).body;
  const tok = (await herald.api('POST', `/api/v1/apps/${app.id}/tokens`, { name: 'ci' })).body;
  const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).body;
  const msg = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: { uid } })).body;
  const task = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/recover`, { since: new Date().toISOString() })).body;
  const attempt = await eventually(async () => (await herald.api('GET', `/api/v1/app/${app.id}/attempt/msg/${msg.id}`)).body.data[0]);
  return { app, token: tok.token, tokenId: tok.id, endpointId: ep.id, msgId: msg.id, attemptId: attempt.id, taskId: task.id };
}

const CATALOGUED_TYPE = 'tenant.catalogued';

/** Fills a route's path parameters from a tenant's resources (unknown ids get a well-formed fake). */
function pathFor(url: string, appRef: string, ids: Tenant): string {
  return url
    .replace(':appId', appRef)
    .replace(':app_id', appRef)
    .replace(':endpointId', ids.endpointId)
    .replace(':msgId', ids.msgId)
    .replace(':attemptId', ids.attemptId)
    .replace(':tokenId', ids.tokenId)
    .replace(':taskId', ids.taskId)
    // The event catalogue is shared by all apps; this type exists (beforeAll).
    .replace(':name', CATALOGUED_TYPE)
    .replace(':event_type_name', CATALOGUED_TYPE)
    .replace(/:[A-Za-z]+/g, 'x_01ARZ3NDEKTSV4RRFFQ69G5FAV');
}

async function call(token: string, method: string, path: string) {
  const res = await fetch(herald.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

beforeAll(async () => {
  herald = await startTestHerald({ tokenRateLimit: 0 });
  receiver = await startReceiver();
  a = await makeTenant('tenant-a');
  b = await makeTenant('tenant-b');
  await herald.api('POST', '/api/v1/event-types', { name: CATALOGUED_TYPE });
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

/**
 * The admin-only routes, written out from docs/tenants-and-tokens.md's table (creating or listing
 * apps, the event-type catalogue writes, tokens, portal links, branding). Deliberately not read from the routes'
 * own `adminOnly` flags: a route that lost its flag must fail this test, not shorten its list.
 */
const ADMIN_ONLY = [
  'POST /api/v1/apps',
  'GET /api/v1/apps',
  'PATCH /api/v1/apps/:appId',
  'DELETE /api/v1/apps/:appId',
  'POST /api/v1/event-types',
  'POST /api/v1/event-types/import',
  'PATCH /api/v1/event-types/:name',
  'DELETE /api/v1/event-types/:name',
  'POST /api/v1/apps/:appId/tokens',
  'GET /api/v1/apps/:appId/tokens',
  'DELETE /api/v1/apps/:appId/tokens/:tokenId',
  'POST /api/v1/apps/:appId/portal-link',
  'DELETE /api/v1/apps/:appId/portal-links',
  'PUT /api/v1/apps/:appId/branding',
  'DELETE /api/v1/apps/:appId/branding',
  'PUT /api/v1/apps/:appId/branding/logo',
  'DELETE /api/v1/apps/:appId/branding/logo',
  // Named operator tokens and the audit log (docs/operators.md): over every app, so never a tenant's.
  'POST /api/v1/tokens',
  'GET /api/v1/tokens',
  'DELETE /api/v1/tokens/:tokenId',
  'GET /api/v1/audit-log',
  // Svix's API (src/api/svix, docs/svix-compatibility.md): the same rights as Herald's routes above.
  'POST /api/v1/app',
  'GET /api/v1/app',
  'PUT /api/v1/app/:app_id',
  'PATCH /api/v1/app/:appId',
  'DELETE /api/v1/app/:appId',
  'POST /api/v1/event-type',
  'POST /api/v1/event-type/import/openapi',
  'PUT /api/v1/event-type/:event_type_name',
  'PATCH /api/v1/event-type/:event_type_name',
  'DELETE /api/v1/event-type/:event_type_name',
  'POST /api/v1/auth/app-portal-access/:app_id',
  'POST /api/v1/auth/app/:appId/expire-all',
];

/** Routes for the product's backend (app tokens and the admin), never for a portal link: publishing. */
const APP_ONLY = ['POST /api/v1/apps/:appId/messages', 'POST /api/v1/apps/:appId/messages/batch', 'DELETE /api/v1/apps/:appId/messages/:msgId/content'];

/** Routes that resolve `{app_id}` themselves, not through tenancy.ts (Svix's message create may create the app it names). */
const SELF_RESOLVED = ['POST /api/v1/app/:app_id/msg'];

describe('tenant isolation with app-scoped tokens', () => {
  const apiRoutes = () => herald.server.heraldRoutes.filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json');

  it('refuses every admin-only route to app tokens and portal tokens (403), on their own app too', async () => {
    const registered = new Set(apiRoutes().map((r) => `${r.method} ${r.url}`));
    // The list names real routes: a renamed route must not leave an entry that checks nothing.
    for (const key of ADMIN_ONLY) expect(registered, key).toContain(key);
    const portal = (await herald.api('POST', `/api/v1/apps/${a.app.id}/portal-link`, { expiresIn: 600 })).body.token as string;
    // An extra tenant-A token for the DELETE probe, so a wrongly allowed revocation cannot hide later failures.
    const spare = (await herald.api('POST', `/api/v1/apps/${a.app.id}/tokens`, { name: 'spare' })).body;
    const ids = { ...a, tokenId: spare.id };
    for (const [kind, token] of [['app', a.token], ['portal', portal]] as const) {
      for (const key of ADMIN_ONLY) {
        const [method, url] = key.split(' ') as [string, string];
        for (const ref of [a.app.id, b.app.id]) {
          const res = await call(token, method, pathFor(url, ref, ref === a.app.id ? ids : b));
          expect(res.status, `${kind} token: ${key} on ${ref === a.app.id ? 'its own' : 'another'} app answered ${res.text}`).toBe(403);
          expect(res.body.code, key).toBe('forbidden');
        }
      }
    }
    // Publishing is the product's: a portal link cannot, an app token can (the walk below checks it).
    for (const key of APP_ONLY) {
      expect(registered, key).toContain(key);
      const [method, url] = key.split(' ') as [string, string];
      const res = await call(portal, method, pathFor(url, a.app.id, ids));
      expect(res.status, `portal token: ${key} answered ${res.text}`).toBe(403);
      expect(res.body.code, key).toBe('forbidden');
    }
    // Nothing was done: no app was created, renamed or deleted; tenant A's spare token still works.
    expect((await herald.api('GET', '/api/v1/apps')).body.data.map((x: any) => x.name).sort()).toEqual(['tenant-a', 'tenant-b']);
    expect((await call(spare.token, 'GET', `/api/v1/apps/${a.app.id}`)).status).toBe(200);
  });

  it('walks every API route: another app is invisible (404), and every route not admin-only is open to app tokens', async () => {
    // Deletes run last (token revocation the very last), because the "own app" probe really
    // performs them and later probes still need tenant A's endpoint and token.
    const order = (r: { method: string; url: string }) => (r.method !== 'DELETE' ? 0 : r.url.includes('/tokens/') ? 2 : 1);
    const routes = apiRoutes()
      .filter((r) => !ADMIN_ONLY.includes(`${r.method} ${r.url}`))
      .sort((x, y) => order(x) - order(y));
    expect(routes.length).toBeGreaterThan(15);
    let checked = 0;
    for (const route of routes) {
      const label = `${route.method} ${route.url}`;
      if (route.url.includes(':appId') || SELF_RESOLVED.includes(label)) {
        for (const ref of [b.app.id, b.app.uid]) {
          const res = await call(a.token, route.method, pathFor(route.url, ref, b));
          expect(res.status, `${label} as ${ref}`).toBe(404);
          expect(res.text, label).not.toContain(b.msgId);
          checked++;
        }
        // Its own app with the other app's resource ids is no way in either.
        if (/:(endpointId|msgId|tokenId|taskId)/.test(route.url)) {
          const mixed = await call(a.token, route.method, pathFor(route.url, a.app.id, b));
          expect(mixed.status, `${label} with foreign ids`).toBe(404);
        }
      }
      // And the route is open to an app token on its own app: so the 404s above are not vacuous, and a
      // new route is either listed in ADMIN_ONLY or meant for tenants (if it answers 403 here, list it).
      // Herald's and Svix's endpoint DELETEs each delete one: each gets an endpoint of its own.
      const ownIds = route.method === 'DELETE' && route.url.includes(':endpointId')
        ? { ...a, endpointId: (await herald.api('POST', `/api/v1/apps/${a.app.id}/endpoints`, { url: receiver.url })).body.id as string }
        : a;
      const own = await call(a.token, route.method, pathFor(route.url, a.app.id, ownIds));
      expect([401, 403, 404], `${label} on own app answered ${own.status} ${own.text}`).not.toContain(own.status);
    }
    expect(checked).toBeGreaterThan(20);
    // Nothing reached tenant B's data: its secret is the same, its endpoint still exists.
    expect((await herald.api('GET', `/api/v1/apps/${b.app.id}/endpoints/${b.endpointId}`)).status).toBe(200);
  });

  it('opens every route that is neither admin-only nor app-only to portal tokens on their own app', async () => {
    // So a new route meant only for the product's backend cannot slip by unlisted either.
    const portal = (await herald.api('POST', `/api/v1/apps/${a.app.id}/portal-link`, { expiresIn: 600 })).body.token as string;
    // Svix's API is for the product's backend (Svix's SDKs); portal links work through Herald's portal.
    const routes = apiRoutes().filter((r) => !ADMIN_ONLY.includes(`${r.method} ${r.url}`) && !APP_ONLY.includes(`${r.method} ${r.url}`) && !isSvixRoute(r.url));
    expect(routes.length).toBeGreaterThan(15);
    // Rights only (not 401/403): the walk above already deleted tenant A's endpoint, so some answer 404.
    for (const route of routes) {
      const res = await call(portal, route.method, pathFor(route.url, a.app.id, a));
      expect([401, 403], `portal token: ${route.method} ${route.url} answered ${res.status} ${res.text}`).not.toContain(res.status);
    }
  });

  it('reads its own app, messages and attempts with an app token', async () => {
    const msgs = await call(a.token, 'GET', `/api/v1/apps/${a.app.uid}/messages`);
    expect(msgs.status).toBe(200);
    expect(msgs.body.data.map((m: any) => m.id)).toContain(a.msgId);
    expect(msgs.text).not.toContain(b.msgId);
    expect((await call(a.token, 'GET', '/api/v1/apps')).status).toBe(403);
  });

  it('stores tokens hashed, shows them once, and revokes them', async () => {
    const list = await herald.api('GET', `/api/v1/apps/${a.app.id}/tokens`);
    expect(list.body.data.map((t: any) => t.id)).toContain(a.tokenId);
    expect(JSON.stringify(list.body)).not.toContain(a.token);
    const extra = (await herald.api('POST', `/api/v1/apps/${a.app.id}/tokens`, {})).body;
    expect((await call(extra.token, 'GET', `/api/v1/apps/${a.app.id}`)).status).toBe(200);
    expect((await herald.api('DELETE', `/api/v1/apps/${a.app.id}/tokens/${extra.id}`)).status).toBe(204);
    const revoked = await call(extra.token, 'GET', `/api/v1/apps/${a.app.id}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('unauthorized');
  });

  it('issues a short-lived portal link scoped to one app', async () => {
    const link = await herald.api('POST', `/api/v1/apps/${a.app.id}/portal-link`, { expiresIn: 600 });
    expect(link.status).toBe(201);
    expect(link.body.url).toContain('#/portal?');
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    expect((await call(link.body.token, 'GET', `/api/v1/apps/${a.app.id}/endpoints`)).status).toBe(200);
    expect((await call(link.body.token, 'GET', `/api/v1/apps/${b.app.id}/endpoints`)).status).toBe(404);
    expect((await call(link.body.token, 'POST', `/api/v1/apps/${a.app.id}/portal-link`)).status).toBe(403);
  });
});

describe('API rate limit per token', () => {
  it('answers 429 with Retry-After once an app token exceeds its rate, without affecting other tokens', async () => {
    const limited = await startTestHerald({ tokenRateLimit: 5 });
    try {
      const app = (await limited.api('POST', '/api/v1/apps', { name: 'rl' })).body;
      const t1 = (await limited.api('POST', `/api/v1/apps/${app.id}/tokens`, {})).body.token;
      const t2 = (await limited.api('POST', `/api/v1/apps/${app.id}/tokens`, {})).body.token;
      const statuses: number[] = [];
      let limitedRes: Response | null = null;
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${limited.url}/api/v1/apps/${app.id}`, { headers: { authorization: `Bearer ${t1}` } });
        statuses.push(res.status);
        if (res.status === 429 && !limitedRes) limitedRes = res;
      }
      expect(statuses).toContain(429);
      expect(limitedRes!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await limitedRes!.json()) as { code: string }).code).toBe('rate_limited');
      const other = await fetch(`${limited.url}/api/v1/apps/${app.id}`, { headers: { authorization: `Bearer ${t2}` } });
      expect(other.status).toBe(200);
      // The admin token (the product's backend) is unlimited by default.
      for (let i = 0; i < 12; i++) expect((await limited.api('GET', '/api/v1/apps')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
