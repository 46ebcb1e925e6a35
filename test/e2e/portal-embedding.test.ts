import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../../src/api/routes/dashboard.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Embedding the portal (docs/embedding.md), over HTTP: which origins may frame a portal link's page
// (the CSP frame-ancestors Herald sends with it), how origins are checked, the app's default origins,
// and the embed snippet. Links and origins live in the store: SQLite and PostgreSQL.

warnIfNoPostgres('portal embedding on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** The `frame-ancestors` sources of a CSP header, as a list. */
function frameAncestors(csp: string | null): string[] {
  const directive = (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors '));
  if (!directive) throw new Error(`no frame-ancestors in CSP: ${csp}`);
  return directive.split(/\s+/).slice(1);
}

describe.each(stores)('portal embedding ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let appId: string;

  /** Creates a link, and loads its page as a browser would (the fragment never reaches the server). */
  async function linkAndPage(body: object, app = appId) {
    const link = await herald.api('POST', `/api/v1/apps/${app}/portal-link`, body);
    expect(link.status).toBe(201);
    const page = await fetch(link.body.url.split('#')[0]);
    return { link: link.body, page };
  }

  beforeAll(async () => {
    if (!existsSync(`${DASHBOARD_DIR}/index.html`)) throw new Error('dashboard not built: run `npx vite build` first');
    schema = pg ? testSchema('portal-embedding') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme', uid: 'acme' })).body.id;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  it("a link's page may be framed by exactly the link's allowedOrigins, with no X-Frame-Options", async () => {
    const { link, page } = await linkAndPage({ allowedOrigins: ['https://app.acme.test', 'https://admin.acme.test:8443'] });
    expect(link.allowedOrigins).toEqual(['https://app.acme.test', 'https://admin.acme.test:8443']);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(frameAncestors(page.headers.get('content-security-policy'))).toEqual(['https://app.acme.test', 'https://admin.acme.test:8443']);
    expect(page.headers.get('x-frame-options')).toBeNull();
    // The token stays in the fragment: the part a server ever sees names the link, not its secret.
    const serverPart = link.url.split('#')[0];
    expect(serverPart).not.toContain(link.token);
    expect(link.url.split('#')[1]).toContain(`token=${encodeURIComponent(link.token)}`);
  });

  it("a link without origins of its own uses the app's defaults, read at every page load", async () => {
    const patched = await herald.api('PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: ['https://dash.acme.test'] });
    expect(patched.status).toBe(200);
    expect(patched.body.allowedOrigins).toEqual(['https://dash.acme.test']);
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.allowedOrigins).toEqual(['https://dash.acme.test']);

    const { link, page } = await linkAndPage({});
    expect(link.allowedOrigins).toEqual(['https://dash.acme.test']);
    expect(frameAncestors(page.headers.get('content-security-policy'))).toEqual(['https://dash.acme.test']);
    expect(page.headers.get('x-frame-options')).toBeNull();

    // The app's list changes: the same link's page follows on its next load.
    await herald.api('PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: ['https://new.acme.test'] });
    const again = await fetch(link.url.split('#')[0]);
    expect(frameAncestors(again.headers.get('content-security-policy'))).toEqual(['https://new.acme.test']);

    // A link's own empty list refuses framing even though the app has defaults.
    const none = await linkAndPage({ allowedOrigins: [] });
    expect(frameAncestors(none.page.headers.get('content-security-policy'))).toEqual(["'none'"]);
    expect(none.page.headers.get('x-frame-options')).toBe('DENY');

    await herald.api('PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: [] });
    const cleared = await fetch(link.url.split('#')[0]);
    expect(frameAncestors(cleared.headers.get('content-security-policy'))).toEqual(["'none'"]);
    expect(cleared.headers.get('x-frame-options')).toBe('DENY');
  });

  it('an app created with default origins hands them to its links', async () => {
    const created = await herald.api('POST', '/api/v1/apps', { name: 'Globex', allowedOrigins: ['https://globex.test', 'http://localhost:5173'] });
    expect(created.status).toBe(201);
    expect(created.body.allowedOrigins).toEqual(['https://globex.test', 'http://localhost:5173']);
    const { page } = await linkAndPage({}, created.body.id);
    expect(frameAncestors(page.headers.get('content-security-policy'))).toEqual(['https://globex.test', 'http://localhost:5173']);
  });

  it("no origins, a revoked, expired or unknown link, an app token's id, and the admin dashboard: framing refused", async () => {
    const bare = await linkAndPage({});
    expect(bare.link.allowedOrigins).toEqual([]);
    expect(frameAncestors(bare.page.headers.get('content-security-policy'))).toEqual(["'none'"]);
    expect(bare.page.headers.get('x-frame-options')).toBe('DENY');

    const revoked = await linkAndPage({ allowedOrigins: ['https://app.acme.test'] });
    const linkId = new URL(revoked.link.url).searchParams.get('link');
    expect(frameAncestors(revoked.page.headers.get('content-security-policy'))).toEqual(['https://app.acme.test']);
    expect((await herald.api('DELETE', `/api/v1/apps/${appId}/tokens/${linkId}`)).status).toBe(204);
    const afterRevoke = await fetch(revoked.link.url.split('#')[0]);
    expect(frameAncestors(afterRevoke.headers.get('content-security-policy'))).toEqual(["'none'"]);

    // Expired: a link whose time is up (written to the store directly: the API's shortest is 60 s).
    const expiring = await linkAndPage({ allowedOrigins: ['https://app.acme.test'] });
    const expiringId = new URL(expiring.link.url).searchParams.get('link')!;
    const record = (await herald.store.getToken(expiringId))!;
    await herald.store.deleteToken(appId, expiringId);
    await herald.store.createToken({ ...record, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const expired = await fetch(expiring.link.url.split('#')[0]);
    expect(frameAncestors(expired.headers.get('content-security-policy'))).toEqual(["'none'"]);

    const appToken = await herald.api('POST', `/api/v1/apps/${appId}/tokens`, { name: 'backend' });
    for (const path of [`/portal?link=${appToken.body.id}`, '/portal?link=tok_unknown', '/portal', '/portal?link=' + 'x'.repeat(500), '/']) {
      const res = await fetch(herald.url + path);
      expect(res.status, path).toBe(200);
      expect(frameAncestors(res.headers.get('content-security-policy')), path).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('refuses origins that are not exact https origins (400 naming the bad one); loopback may use http', async () => {
    const bad = [
      'https://*.acme.test', 'http://app.acme.test', 'https://app.acme.test/settings', 'https://app.acme.test/',
      'app.acme.test', 'javascript:alert(1)', 'https://user:pw@app.acme.test', 'https://app.acme.test?x=1', "https://a.test 'unsafe-inline'",
      'ftp://files.acme.test', '*',
    ];
    for (const origin of bad) {
      for (const [method, path, body] of [
        ['POST', `/api/v1/apps/${appId}/portal-link`, { allowedOrigins: ['https://ok.acme.test', origin] }],
        ['PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: [origin] }],
        ['POST', '/api/v1/apps', { name: 'x', allowedOrigins: [origin] }],
      ] as const) {
        const res = await herald.api(method, path, body);
        expect(res.status, `${method} ${path} ${origin}`).toBe(400);
        expect(res.body.code).toBe('validation_error');
        expect(res.body.message).toContain(`"${origin}"`);
      }
    }
    // Nothing was changed by the refused PATCHes.
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.allowedOrigins).toEqual([]);

    const ok = await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {
      allowedOrigins: ['HTTPS://App.Acme.Test:443', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:9000', 'https://app.acme.test'],
    });
    expect(ok.status).toBe(201);
    // Canonical forms (lower case, default port dropped), each once.
    expect(ok.body.allowedOrigins).toEqual(['https://app.acme.test', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:9000']);

    const tooMany = await herald.api('PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://s${i}.acme.test`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('validation_error');
  });

  it('answers an embed snippet loading embed.js from this Herald, and serves that script', async () => {
    const { link } = await linkAndPage({ allowedOrigins: ['https://app.acme.test'] });
    expect(typeof link.embed).toBe('string');
    expect(link.embed).toContain(`<script src="${herald.url}/portal/embed.js" defer></script>`);
    const element = /<herald-portal src="([^"]+)" expires-at="([^"]+)"><\/herald-portal>/.exec(link.embed);
    expect(element).not.toBeNull();
    expect(element![1].replace(/&amp;/g, '&')).toBe(link.url);
    expect(element![2]).toBe(link.expiresAt);

    const script = await fetch(`${herald.url}/portal/embed.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("customElements.define('herald-portal'");
  });
});
