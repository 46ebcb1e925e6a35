import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// `requireHttps` declared in herald.config.json: the same rules as the API, reported against the
// file, and switched on after the file's own endpoints are updated (so moving them to https:// and
// switching it on can be one change of the file).

warnIfNoPostgres('requireHttps in the config file on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('requireHttps in the config file ($store)', ({ pg }) => {
  let dataDir: string;
  let configFile: string;
  let schema: TestSchema | null = null;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-config-https-'));
    configFile = join(dataDir, 'herald.config.json');
    schema = pg ? testSchema('config-https') : null;
  });
  afterAll(async () => {
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const declare = (requireHttps: boolean, url: string) =>
    writeFileSync(configFile, JSON.stringify({ apps: [{ uid: 'secure', name: 'Secure', requireHttps, endpoints: [{ uid: 'main', url }] }] }));
  const start = (): Promise<TestHerald> => startTestHerald({ dataDir, configFile, ...(schema ? { database: schema.url } : {}) });

  it('refuses a declared http:// endpoint of an HTTPS-only app, naming the field, before writing anything', async () => {
    declare(true, 'http://127.0.0.1:9/hooks');
    await expect(start()).rejects.toThrow(/apps\[0\]\.endpoints\[0\]\.url: .*must use https:\/\/.*requireHttps/);
  });

  it('moving the endpoints to https:// and switching it on in one change of the file works; an http:// endpoint made through the API blocks it, named', async () => {
    declare(false, 'http://127.0.0.1:9/hooks');
    let herald = await start();
    expect((await herald.api('GET', '/api/v1/apps/secure')).body.requireHttps).toBe(false);
    const extra = (await herald.api('POST', '/api/v1/apps/secure/endpoints', { url: 'http://127.0.0.1:9/extra' })).body as { id: string };
    await herald.stop();

    declare(true, 'https://127.0.0.1:9/hooks');
    await expect(start()).rejects.toThrow(new RegExp(`apps\\[0\\]: requireHttps cannot be switched on while this app has http:// endpoints: ${extra.id}`));

    // Refused before anything was written: the declared endpoint still has its old URL.
    herald = await startTestHerald({ dataDir, ...(schema ? { database: schema.url } : {}) });
    const urls = (await herald.api('GET', '/api/v1/apps/secure/endpoints')).body.data.map((e: { url: string }) => e.url);
    expect(urls.sort()).toEqual(['http://127.0.0.1:9/extra', 'http://127.0.0.1:9/hooks']);
    // Without that endpoint, the same file applies: the declared endpoint is https:// first.
    await herald.api('DELETE', `/api/v1/apps/secure/endpoints/${extra.id}`);
    await herald.stop();
    declare(true, 'https://127.0.0.1:9/hooks');
    herald = await start();
    try {
      expect((await herald.api('GET', '/api/v1/apps/secure')).body.requireHttps).toBe(true);
      expect((await herald.api('GET', '/api/v1/apps/secure/endpoints')).body.data.map((e: { url: string }) => e.url)).toEqual(['https://127.0.0.1:9/hooks']);
      const refused = await herald.api('POST', '/api/v1/apps/secure/endpoints', { url: 'http://127.0.0.1:9/again' });
      expect(refused.body.code).toBe('insecure_url');
    } finally {
      await herald.stop();
    }
  });
});
