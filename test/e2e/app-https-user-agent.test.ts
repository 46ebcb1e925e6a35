import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HERALD_VERSION } from '../../src/version.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// HTTPS-only apps (OfficeRnD: "you won't be allowed" to register an http:// URL) and an endpoint's
// own User-Agent (issue 17), over the API on both stores.

warnIfNoPostgres('HTTPS-only apps and User-Agent on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('HTTPS-only apps and custom User-Agent ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let rx: Receiver;

  beforeAll(async () => {
    schema = pg ? testSchema('https-ua') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    rx = await startReceiver();
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await rx?.close();
  });

  const createApp = async (body: object) => (await herald.api('POST', '/api/v1/apps', { name: 'Acme', ...body })).body as { id: string; requireHttps: boolean };
  const createEndpoint = (appId: string, url: string, extra: object = {}) => herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url, ...extra });

  it('an HTTPS-only app refuses http:// endpoint URLs on create and update with 400 insecure_url', async () => {
    const app = await createApp({ requireHttps: true });
    expect(app.requireHttps).toBe(true);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}`)).body.requireHttps).toBe(true);

    const refused = await createEndpoint(app.id, 'http://127.0.0.1:9/hooks');
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('insecure_url');
    expect(refused.body.message).toMatch(/https:\/\/.*requireHttps/);
    const upper = await createEndpoint(app.id, 'HTTP://127.0.0.1:9/hooks');
    expect(upper.body.code).toBe('insecure_url');

    const ok = await createEndpoint(app.id, 'https://127.0.0.1:9/hooks');
    expect(ok.status).toBe(201);
    const patched = await herald.api('PATCH', `/api/v1/apps/${app.id}/endpoints/${ok.body.id}`, { url: 'http://127.0.0.1:9/other' });
    expect(patched.status).toBe(400);
    expect(patched.body.code).toBe('insecure_url');
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ok.body.id}`)).body.url).toBe('https://127.0.0.1:9/hooks');

    // Other apps are not concerned; switching it off allows http:// again.
    const other = await createApp({});
    expect(other.requireHttps).toBe(false);
    expect((await createEndpoint(other.id, 'http://127.0.0.1:9/hooks')).status).toBe(201);
    expect((await herald.api('PATCH', `/api/v1/apps/${app.id}`, { requireHttps: false })).body.requireHttps).toBe(false);
    expect((await createEndpoint(app.id, 'http://127.0.0.1:9/hooks')).status).toBe(201);
  });

  it('switching it on is refused with 409 insecure_endpoints while http:// endpoints exist, naming each (disabled ones too)', async () => {
    const app = await createApp({});
    const plain = (await createEndpoint(app.id, 'http://127.0.0.1:9/a')).body as { id: string };
    const off = (await createEndpoint(app.id, 'http://127.0.0.1:9/b', { disabled: true })).body as { id: string };
    await createEndpoint(app.id, 'https://127.0.0.1:9/c');

    const refused = await herald.api('PATCH', `/api/v1/apps/${app.id}`, { requireHttps: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insecure_endpoints');
    expect(refused.body.message).toContain(plain.id);
    expect(refused.body.message).toContain(off.id);
    expect(refused.body.message).toContain('http://127.0.0.1:9/a');
    expect(refused.body.endpoints.map((e: { id: string }) => e.id).sort()).toEqual([plain.id, off.id].sort());
    expect((await herald.api('GET', `/api/v1/apps/${app.id}`)).body.requireHttps).toBe(false);

    await herald.api('PATCH', `/api/v1/apps/${app.id}/endpoints/${plain.id}`, { url: 'https://127.0.0.1:9/a' });
    const still = await herald.api('PATCH', `/api/v1/apps/${app.id}`, { requireHttps: true });
    expect(still.status).toBe(409);
    expect(still.body.endpoints).toEqual([{ id: off.id, url: 'http://127.0.0.1:9/b' }]);

    await herald.api('DELETE', `/api/v1/apps/${app.id}/endpoints/${off.id}`);
    const on = await herald.api('PATCH', `/api/v1/apps/${app.id}`, { requireHttps: true });
    expect(on.status).toBe(200);
    expect(on.body.requireHttps).toBe(true);
    const wrongType = await herald.api('PATCH', `/api/v1/apps/${app.id}`, { requireHttps: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.code).toBe('validation_error');
  });

  it("an endpoint's own User-Agent header is sent instead of Herald/<version>; endpoints without one keep the default", async () => {
    const app = await createApp({});
    const custom = await createEndpoint(app.id, `${rx.url}/custom`, { headers: { 'User-Agent': 'OfficeRnD-Webhooks/1.0' } });
    expect(custom.status).toBe(201);
    expect(custom.body.headers).toEqual({ 'User-Agent': 'OfficeRnD-Webhooks/1.0' });
    expect((await createEndpoint(app.id, `${rx.url}/default`)).status).toBe(201);
    // Still refused as a signature header's name: it would replace the signature or the agent.
    const asSignature = await createEndpoint(app.id, `${rx.url}/sig`, { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'User-Agent' }, secret: 'a-long-secret' });
    expect(asSignature.status).toBe(400);

    await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'member.removed', data: { id: 1 } });
    const requests = await rx.waitFor(2);
    const agentAt = (path: string) => requests.find((r) => r.url === path)!.headers['user-agent'];
    expect(agentAt('/custom')).toBe('OfficeRnD-Webhooks/1.0');
    expect(agentAt('/default')).toBe(`Herald/${HERALD_VERSION}`);
  });
});
