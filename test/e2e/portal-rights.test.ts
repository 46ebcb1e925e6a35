import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/security/token-hash.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// What a portal link's token may do, over HTTP with real tokens: everything a customer needs to run
// their own endpoints, and nothing that would let them publish (Herald as an unsigned relay from
// the product's address) or reach beyond their app. Tokens live in the store: SQLite and PostgreSQL.

warnIfNoPostgres('portal link rights on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** The limit docs/tenants-and-tokens.md documents for test events sent with a portal link's token. */
const PORTAL_TEST_EVENTS_PER_MINUTE = 5;

describe.each(stores)('portal link rights ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let appA: { id: string; uid: string };
  let appB: { id: string };
  let portal: string;
  let appToken: string;

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers, text };
  }
  const received = (marker: string) => receiver.requests.filter((r) => r.body.includes(marker));

  beforeAll(async () => {
    schema = pg ? testSchema('portal-rights') : null;
    // No per-token API limit here: the test-event limit is the one under test.
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    appA = (await herald.api('POST', '/api/v1/apps', { name: 'Acme', uid: 'acme' })).body;
    appB = (await herald.api('POST', '/api/v1/apps', { name: 'Globex', uid: 'globex' })).body;
    portal = (await herald.api('POST', `/api/v1/apps/${appA.id}/portal-link`, {})).body.token;
    appToken = (await herald.api('POST', `/api/v1/apps/${appA.id}/tokens`, { name: 'backend' })).body.token;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  it('cannot publish, single or batch (403); nothing is stored or delivered; an app token still publishes', async () => {
    const ep = (await herald.api('POST', `/api/v1/apps/${appA.id}/endpoints`, { url: `${receiver.url}/publish` })).body;

    const single = await call(portal, 'POST', `/api/v1/apps/${appA.id}/messages`, { eventType: 'order.paid', data: { marker: 'portal-single' } });
    expect(single.status).toBe(403);
    expect(single.body.code).toBe('forbidden');
    expect(single.body.message).toMatch(/portal/i);
    expect(single.body.message).toMatch(/publish/i);

    const batch = await call(portal, 'POST', `/api/v1/apps/${appA.id}/messages/batch`, {
      messages: [{ eventType: 'order.paid', data: { marker: 'portal-batch-1' } }, { eventType: 'order.paid', data: { marker: 'portal-batch-2' } }],
    });
    expect(batch.status).toBe(403);
    expect(batch.body.code).toBe('forbidden');

    // The product's backend (an app token) publishes a sentinel after the refused attempts.
    const sentinel = await call(appToken, 'POST', `/api/v1/apps/${appA.id}/messages`, { eventType: 'order.paid', data: { marker: 'sentinel' } });
    expect(sentinel.status).toBe(202);
    await eventually(() => received('sentinel').length === 1);
    expect(received('portal-')).toEqual([]);
    const stored = (await herald.api('GET', `/api/v1/apps/${appA.id}/messages`)).body.data;
    expect(stored.map((m: any) => m.id)).toContain(sentinel.body.id);
    expect(JSON.stringify(stored)).not.toContain('portal-');
    // The attempt is recorded just after the receiver answered: wait for it, then it is the only one.
    const attempts = await eventually(async () => {
      const data = (await herald.api('GET', `/api/v1/apps/${appA.id}/endpoints/${ep.id}/attempts`)).body.data;
      return data.length > 0 && data;
    });
    expect(attempts.map((a: any) => a.msgId)).toEqual([sentinel.body.id]);
    await herald.api('DELETE', `/api/v1/apps/${appA.id}/endpoints/${ep.id}`);
  });

  it("cannot clear a message's content or call Svix's API (403), and is told what is the backend's", async () => {
    const msg = (await call(appToken, 'POST', `/api/v1/apps/${appA.id}/messages`, { eventType: 'order.paid', data: { marker: 'kept' } })).body;
    for (const [method, path] of [['DELETE', `/api/v1/apps/${appA.id}/messages/${msg.id}/content`], ['GET', `/api/v1/app/${appA.id}/msg`]] as const) {
      const refused = await call(portal, method, path);
      expect(refused.status).toBe(403);
      // Herald's routes answer {code, message}; Svix's {code, detail}.
      const said = refused.body.message ?? refused.body.detail;
      expect(said).toMatch(/backend/);
      expect(said).not.toMatch(/cannot publish/);
    }
    expect((await herald.api('GET', `/api/v1/apps/${appA.id}/messages/${msg.id}`)).body.data).toEqual({ marker: 'kept' });
  });

  it('does everything a customer needs on its own app, one request each', async () => {
    const base = `/api/v1/apps/${appA.id}`;
    expect((await call(portal, 'GET', base)).body.name).toBe('Acme');
    expect((await call(portal, 'GET', '/api/v1/event-types')).status).toBe(200);

    const created = await call(portal, 'POST', `${base}/endpoints`, { url: `${receiver.url}/customer`, description: 'mine' });
    expect(created.status).toBe(201);
    const ep = created.body;
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).body.url).toBe(`${receiver.url}/customer`);
    expect((await call(portal, 'GET', `${base}/endpoints`)).body.data.map((e: any) => e.id)).toContain(ep.id);
    expect((await call(portal, 'GET', `${base}/endpoints/${ep.id}`)).body.description).toBe('mine');

    expect((await call(portal, 'PATCH', `${base}/endpoints/${ep.id}`, { description: 'edited by the customer' })).status).toBe(200);
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).body.description).toBe('edited by the customer');

    expect((await call(portal, 'GET', `${base}/endpoints/${ep.id}/secret`)).body.secret).toBe(ep.secret);
    const rotated = await call(portal, 'POST', `${base}/endpoints/${ep.id}/secret/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}/secret`)).body.secret).toBe(rotated.body.secret);

    const test = await call(portal, 'POST', `${base}/endpoints/${ep.id}/test`, {});
    expect(test.status).toBe(202);
    const [first] = await eventually(() => {
      const hits = receiver.requests.filter((r) => r.url === '/customer');
      return hits.length >= 1 && hits;
    });
    expect(first!.headers['webhook-id']).toBe(test.body.id);

    const attempts = await eventually(async () => {
      const res = await call(portal, 'GET', `${base}/endpoints/${ep.id}/attempts`);
      return res.body.data.length >= 1 && res.body.data;
    });
    expect(attempts[0].msgId).toBe(test.body.id);
    expect((await call(portal, 'GET', `${base}/messages`)).body.data.map((m: any) => m.id)).toContain(test.body.id);
    expect((await call(portal, 'GET', `${base}/messages/${test.body.id}`)).body.id).toBe(test.body.id);
    expect((await call(portal, 'GET', `${base}/messages/${test.body.id}/attempts`)).body.data).toHaveLength(1);
    expect((await call(portal, 'GET', `${base}/endpoints/${ep.id}/stats`)).status).toBe(200);
    // Test events are about the entity HeraldTest 1.
    expect((await call(portal, 'GET', `${base}/entities/HeraldTest/1/messages`)).body.data.map((m: any) => m.id)).toContain(test.body.id);

    const resend = await call(portal, 'POST', `${base}/messages/${test.body.id}/endpoints/${ep.id}/resend`, {});
    expect(resend.status).toBe(202);
    await eventually(() => receiver.requests.filter((r) => r.url === '/customer' && r.headers['webhook-id'] === test.body.id).length === 2);

    const recover = await call(portal, 'POST', `${base}/endpoints/${ep.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
    expect(recover.status).toBe(202);
    expect((await call(portal, 'GET', `${base}/tasks/${recover.body.id}`)).body.id).toBe(recover.body.id);

    expect((await call(portal, 'DELETE', `${base}/endpoints/${ep.id}`)).status).toBe(204);
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).status).toBe(404);
  });

  it('cannot reach another app (404) and cannot mint tokens or portal links (403)', async () => {
    const other = (await herald.api('POST', `/api/v1/apps/${appB.id}/endpoints`, { url: `${receiver.url}/globex` })).body;
    for (const [method, path, body] of [
      ['GET', `/api/v1/apps/${appB.id}`],
      ['GET', `/api/v1/apps/globex/endpoints`],
      ['POST', `/api/v1/apps/${appB.id}/endpoints`, { url: `${receiver.url}/x` }],
      ['GET', `/api/v1/apps/${appB.id}/endpoints/${other.id}/secret`],
      ['POST', `/api/v1/apps/${appB.id}/endpoints/${other.id}/test`, {}],
      ['GET', `/api/v1/apps/${appA.id}/endpoints/${other.id}`],
    ] as const) {
      const res = await call(portal, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.text).not.toContain(other.secret);
    }
    expect(receiver.requests.filter((r) => r.url === '/globex')).toEqual([]);

    const tokensBefore = (await herald.api('GET', `/api/v1/apps/${appA.id}/tokens`)).body.data.length;
    for (const [method, path] of [
      ['POST', `/api/v1/apps/${appA.id}/tokens`],
      ['GET', `/api/v1/apps/${appA.id}/tokens`],
      ['POST', `/api/v1/apps/${appA.id}/portal-link`],
      ['GET', '/api/v1/apps'],
    ] as const) {
      const res = await call(portal, method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await herald.api('GET', `/api/v1/apps/${appA.id}/tokens`)).body.data).toHaveLength(tokensBefore);
  });

  it(`limits test events from a portal link to ${PORTAL_TEST_EVENTS_PER_MINUTE} a minute per endpoint (429, Retry-After)`, async () => {
    const mk = async (path: string) => (await herald.api('POST', `/api/v1/apps/${appA.id}/endpoints`, { url: `${receiver.url}${path}` })).body.id as string;
    const limited = await mk('/limited');
    const spare = await mk('/spare');
    const testPath = (id: string) => `/api/v1/apps/${appA.id}/endpoints/${id}/test`;

    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < PORTAL_TEST_EVENTS_PER_MINUTE + 2; i++) {
      const res = await call(portal, 'POST', testPath(limited), {});
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses).toEqual([...Array(PORTAL_TEST_EVENTS_PER_MINUTE).fill(202), 429, 429]);
    expect(refused!.body.code).toBe('rate_limited');
    expect(refused!.body.message).toMatch(/test events/);
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60).toBe(true);

    // Other endpoints are unaffected, and so are the product's own tokens on the same endpoint.
    expect((await call(portal, 'POST', testPath(spare), {})).status).toBe(202);
    expect((await call(appToken, 'POST', testPath(limited), {})).status).toBe(202);
    expect((await herald.api('POST', testPath(limited), {})).status).toBe(202);
    // What was refused was not sent: the receiver sees the 5 allowed plus the 2 from the product.
    await eventually(() => receiver.requests.filter((r) => r.url === '/limited').length >= PORTAL_TEST_EVENTS_PER_MINUTE + 2);
    await eventually(() => receiver.requests.filter((r) => r.url === '/spare').length === 1);
    const sentToLimited = await eventually(async () => {
      const data = (await herald.api('GET', `/api/v1/apps/${appA.id}/endpoints/${limited}/attempts`)).body.data;
      return data.length >= PORTAL_TEST_EVENTS_PER_MINUTE + 2 && data;
    });
    expect(sentToLimited).toHaveLength(PORTAL_TEST_EVENTS_PER_MINUTE + 2);
  });

  it('refuses an expired or revoked portal link token (401)', async () => {
    const expired = `hrld_portal_expired_${Math.random().toString(36).slice(2)}`;
    await herald.store.createToken({
      id: `tok_expired${Math.random().toString(36).slice(2, 10)}`,
      appId: appA.id,
      name: 'portal link',
      kind: 'portal',
      tokenHash: hashToken(expired),
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      createdAt: new Date(Date.now() - 3_601_000).toISOString(),
    });
    const res = await call(expired, 'GET', `/api/v1/apps/${appA.id}/endpoints`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');

    const link = (await herald.api('POST', `/api/v1/apps/${appA.id}/portal-link`, {})).body;
    expect((await call(link.token, 'GET', `/api/v1/apps/${appA.id}`)).status).toBe(200);
    const tokens = (await herald.api('GET', `/api/v1/apps/${appA.id}/tokens?limit=100`)).body.data;
    const record = tokens.find((t: any) => t.kind === 'portal' && t.expiresAt === link.expiresAt);
    expect((await herald.api('DELETE', `/api/v1/apps/${appA.id}/tokens/${record.id}`)).status).toBe(204);
    expect((await call(link.token, 'GET', `/api/v1/apps/${appA.id}`)).status).toBe(401);
  });
});

describe('the product name shown to customers (no token needed)', () => {
  it('is what --product-name says, or null when unset', async () => {
    const named = await startTestHerald({ productName: 'Acme Cloud' });
    const plain = await startTestHerald();
    try {
      const res = await fetch(`${named.url}/branding`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ productName: 'Acme Cloud' });
      expect(await (await fetch(`${plain.url}/branding`)).json()).toMatchObject({ productName: null });
    } finally {
      await named.stop();
      await plain.stop();
    }
  });
});
