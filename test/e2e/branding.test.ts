import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTION_SPECS, parseOption } from '../../src/config/options.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { pngSquare, SVG_LOGO, TINY_JPEG, TINY_WEBP } from '../helpers/tiny-images.js';

// Branding through the API, on both stores: the server's defaults, an app's own over them, logos
// uploaded as raw image bodies and served back publicly, what is refused, and who may do what.

warnIfNoPostgres('branding on PostgreSQL (test/e2e/branding.test.ts)');

// WCAG 2.x contrast, written out here rather than imported, so the test checks Herald's colours
// against the definition and not against Herald's own arithmetic.
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const DEFAULT_LOGO = pngSquare(8, [36, 87, 197]);

const stores: Array<[string, () => TestSchema | null]> = [['SQLite', () => null]];
if (TEST_PG_URL) stores.push(['PostgreSQL', () => testSchema('branding')]);

describe.each(stores)('branding on %s', (_name, makeSchema) => {
  let herald: TestHerald;
  let schema: TestSchema | null;
  let appA: { id: string };
  let appB: { id: string };

  beforeAll(async () => {
    schema = makeSchema();
    const dir = mkdtempSync(join(tmpdir(), 'herald-brand-'));
    writeFileSync(join(dir, 'logo.png'), DEFAULT_LOGO);
    herald = await startTestHerald({
      productName: 'Acme Cloud', brandAccent: '#2457C5', brandTheme: 'dark', brandLogo: join(dir, 'logo.png'),
      ...(schema ? { database: schema.url } : {}),
    });
    appA = (await herald.api('POST', '/api/v1/apps', { name: 'Tenant A', uid: 'tenant-a' })).body;
    appB = (await herald.api('POST', '/api/v1/apps', { name: 'Tenant B' })).body;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  const put = (appId: string, body: unknown, token?: string) =>
    herald.api('PUT', `/api/v1/apps/${appId}/branding`, body, token ? { authorization: `Bearer ${token}` } : {});
  const upload = (appId: string, contentType: string, bytes: Buffer, token = herald.token) =>
    fetch(`${herald.url}/api/v1/apps/${appId}/branding/logo`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: bytes });
  const publicBranding = async (query = '') => (await fetch(`${herald.url}/branding${query}`)).json() as Promise<any>;

  it('answers the server-wide defaults without a token, with a served default logo', async () => {
    const body = await publicBranding();
    expect(body).toMatchObject({ productName: 'Acme Cloud', accent: '#2457c5', accentText: '#ffffff', theme: 'dark' });
    expect(contrast(body.accent, body.accentText)).toBeGreaterThanOrEqual(4.5);
    expect(body.logoUrl).toMatch(/^branding\/logo\?v=[0-9a-f]+$/);
    const logo = await fetch(`${herald.url}/${body.logoUrl}`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(logo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(logo.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await logo.arrayBuffer())).toEqual(DEFAULT_LOGO);
  });

  it('gives an app without branding the defaults, and its own settings once set, leaving other apps alone', async () => {
    const before = (await herald.api('GET', `/api/v1/apps/${appA.id}/branding`)).body;
    expect(before).toMatchObject({ appId: appA.id, productName: 'Acme Cloud', accent: '#2457c5', theme: 'dark', own: { productName: null, accent: null, theme: null, logo: null } });

    const set = await put(appA.id, { productName: 'Globex Portal', accent: '#FFD700', theme: 'light' });
    expect(set.status).toBe(200);
    // Gold is light: black text reads on it, white would not.
    expect(set.body).toMatchObject({ productName: 'Globex Portal', accent: '#ffd700', accentText: '#000000', theme: 'light', own: { productName: 'Globex Portal', accent: '#ffd700', theme: 'light' } });
    expect(contrast('#ffd700', '#000000')).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#ffd700', '#ffffff')).toBeLessThan(4.5);
    // As link text on the light page, gold alone fails; the link colour Herald gives passes.
    expect(contrast(set.body.accentLink.light, '#f6f7f9')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(set.body.accentLink.dark, '#1b2129')).toBeGreaterThanOrEqual(4.5);

    expect(await publicBranding(`?app=${appA.id}`)).toMatchObject({ productName: 'Globex Portal', accent: '#ffd700', theme: 'light' });
    expect(await publicBranding(`?app=${appB.id}`)).toMatchObject({ productName: 'Acme Cloud', accent: '#2457c5', theme: 'dark' });
    // A uid is never looked up publicly, and an unknown id answers the defaults: no way to probe for apps.
    expect(await publicBranding('?app=tenant-a')).toMatchObject({ productName: 'Acme Cloud' });
    expect(await publicBranding('?app=app_01HZZZZZZZZZZZZZZZZZZZZZZZ')).toMatchObject({ productName: 'Acme Cloud' });

    // PUT replaces: what is left out goes back to the default.
    expect((await put(appA.id, { theme: 'auto' })).body).toMatchObject({ productName: 'Acme Cloud', accent: '#2457c5', theme: 'auto', own: { productName: null, accent: null, theme: 'auto' } });
    expect((await herald.api('DELETE', `/api/v1/apps/${appA.id}/branding`)).status).toBe(204);
    expect((await herald.api('GET', `/api/v1/apps/${appA.id}/branding`)).body.own).toEqual({ productName: null, accent: null, theme: null, logo: null });
  });

  it.each([
    ['PNG', 'image/png', pngSquare(4, [200, 30, 30])],
    ['JPEG', 'image/jpeg', TINY_JPEG],
    ['WebP', 'image/webp', TINY_WEBP],
  ])('accepts a %s logo and serves exactly those bytes with its content-type', async (_kind, type, bytes) => {
    const res = await upload(appB.id, type, bytes);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.own.logo).toMatchObject({ contentType: type, size: bytes.length });
    expect(body.logoUrl).toMatch(new RegExp(`^branding/${appB.id}/logo\\?v=[0-9a-f]+$`));
    expect((await publicBranding(`?app=${appB.id}`)).logoUrl).toBe(body.logoUrl);

    const served = await fetch(`${herald.url}/${body.logoUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(type);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
    // Unversioned: revalidated, and a matching ETag answers 304 without the bytes.
    const plain = await fetch(`${herald.url}/branding/${appB.id}/logo`);
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(`${herald.url}/branding/${appB.id}/logo`, { headers: { 'if-none-match': plain.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('refuses SVG, other types, oversized and mislabelled images, naming what it accepts; the stored logo stays', async () => {
    const good = pngSquare(4, [10, 120, 60]);
    expect((await upload(appB.id, 'image/png', good)).status).toBe(200);
    const refusals: Array<[string, Buffer, number, string, RegExp]> = [
      ['image/svg+xml', SVG_LOGO, 415, 'unsupported_media_type', /SVG/],
      ['image/png', SVG_LOGO, 400, 'invalid_image', /not a PNG/],
      ['image/gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 415, 'unsupported_media_type', /PNG, JPEG or WebP/],
      ['text/plain', Buffer.from('hello'), 415, 'unsupported_media_type', /image\/png/],
      ['application/json', Buffer.from('{"url":"https://example.com/logo.png"}'), 415, 'unsupported_media_type', /PNG, JPEG or WebP/],
      ['image/jpeg', good, 400, 'invalid_image', /its bytes are image\/png/],
      ['image/webp', Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1'), 400, 'invalid_image', /not a WEBP/],
      ['image/png', Buffer.concat([good, Buffer.alloc(64 * 1024)]), 413, 'payload_too_large', /65536 bytes/],
    ];
    for (const [type, bytes, status, code, message] of refusals) {
      const res = await upload(appB.id, type, bytes);
      const body = (await res.json()) as any;
      expect({ type, status: res.status, code: body.code }).toEqual({ type, status, code });
      expect(body.message).toMatch(message);
    }
    const served = await fetch(`${herald.url}/branding/${appB.id}/logo`);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(good);

    expect((await herald.api('DELETE', `/api/v1/apps/${appB.id}/branding/logo`)).status).toBe(204);
    expect((await fetch(`${herald.url}/branding/${appB.id}/logo`)).status).toBe(404);
    // Without its own logo, the app's portal shows the server's.
    expect((await publicBranding(`?app=${appB.id}`)).logoUrl).toMatch(/^branding\/logo\?v=/);
  });

  it.each([
    [{ accent: 'red' }], [{ accent: '#12345' }], [{ accent: '#gggggg' }], [{ accent: 'rgb(0,0,0)' }],
    [{ theme: 'sepia' }], [{ productName: 'x'.repeat(81) }], [{ productName: '' }], [{ logoUrl: 'https://example.com/logo.png' }],
  ])('refuses %j with a 400 validation_error', async (body) => {
    const res = await put(appA.id, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
  });

  it('lets only the admin set branding; a portal link reads its own app only', async () => {
    const appToken = (await herald.api('POST', `/api/v1/apps/${appA.id}/tokens`, { name: 'backend' })).body.token;
    const portal = (await herald.api('POST', `/api/v1/apps/${appA.id}/portal-link`, {})).body.token;
    await put(appA.id, { productName: 'Globex Portal' });
    for (const token of [appToken, portal]) {
      const denied = await put(appA.id, { productName: 'Hijacked' }, token);
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('forbidden');
      expect((await upload(appA.id, 'image/png', pngSquare(2, [0, 0, 0]), token)).status).toBe(403);
      expect((await herald.api('DELETE', `/api/v1/apps/${appA.id}/branding`, undefined, { authorization: `Bearer ${token}` })).status).toBe(403);
      const own = await herald.api('GET', `/api/v1/apps/${appA.id}/branding`, undefined, { authorization: `Bearer ${token}` });
      expect(own.status).toBe(200);
      expect(own.body.productName).toBe('Globex Portal');
      // Another app's branding through the API: the same 404 as for an app that does not exist.
      expect((await herald.api('GET', `/api/v1/apps/${appB.id}/branding`, undefined, { authorization: `Bearer ${token}` })).status).toBe(404);
    }
    expect((await herald.api('GET', `/api/v1/apps/${appA.id}/branding`)).body.productName).toBe('Globex Portal');
  });

  it('forgets an app\'s branding and logo with the app', async () => {
    const gone = (await herald.api('POST', '/api/v1/apps', { name: 'Short-lived' })).body;
    await put(gone.id, { productName: 'Soon gone' });
    expect((await upload(gone.id, 'image/png', pngSquare(2, [1, 2, 3]))).status).toBe(200);
    expect((await herald.api('DELETE', `/api/v1/apps/${gone.id}`)).status).toBe(204);
    expect((await fetch(`${herald.url}/branding/${gone.id}/logo`)).status).toBe(404);
    expect(await publicBranding(`?app=${gone.id}`)).toMatchObject({ productName: 'Acme Cloud' });
  });
});

describe('server-wide branding options', () => {
  const spec = (key: string) => OPTION_SPECS.find((s) => s.key === key)!;

  it('refuse a colour not written #rrggbb and an unknown theme, naming the option', () => {
    expect(() => parseOption(spec('brandAccent'), 'blue', 'flag')).toThrow(/--brand-accent \(HERALD_BRAND_ACCENT\).*#rrggbb/);
    expect(() => parseOption(spec('brandTheme'), 'sepia', 'env')).toThrow(/HERALD_BRAND_THEME \(--brand-theme\).*light, dark or auto/);
  });

  it('stop the start on a --brand-logo that is an SVG or too large', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-brand-'));
    writeFileSync(join(dir, 'logo.svg'), SVG_LOGO);
    writeFileSync(join(dir, 'big.png'), Buffer.concat([pngSquare(2, [0, 0, 0]), Buffer.alloc(70_000)]));
    await expect(startTestHerald({ brandLogo: join(dir, 'logo.svg') })).rejects.toThrow(/--brand-logo.*SVG is refused/);
    await expect(startTestHerald({ brandLogo: join(dir, 'big.png') })).rejects.toThrow(/--brand-logo.*64 KiB/);
  });
});
