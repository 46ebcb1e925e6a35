import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Portal links are short-lived app tokens: once their time is up they must open nothing. Waiting out
// the shortest TTL the API allows (60 s) would make a slow test, so the tokens are written into the
// store directly with an expiry in the past (and, as the control, one in the future): the store
// holds only a SHA-256 of the token text, computed here independently of Herald's code.
warnIfNoPostgres('expired tokens on PostgreSQL');

const stores = [
  { name: 'SQLite', schema: (): TestSchema | null => null },
  ...(TEST_PG_URL ? [{ name: 'PostgreSQL', schema: (): TestSchema | null => testSchema('token_expiry') }] : []),
];

describe.each(stores)('expired tokens ($name)', ({ schema }) => {
  let herald: TestHerald;
  let pg: TestSchema | null;
  let appId: string;

  beforeAll(async () => {
    pg = schema();
    herald = await startTestHerald({ tokenRateLimit: 0, ...(pg ? { database: pg.url } : {}) });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'expiry' })).body.id;
  });
  afterAll(async () => {
    await herald.stop();
    await pg?.drop();
  });

  async function tokenExpiringIn(kind: 'api' | 'portal', ms: number | null): Promise<string> {
    const token = `hrld_${kind === 'api' ? 'app' : 'portal'}_${randomBytes(24).toString('base64url')}`;
    await herald.store.createToken({
      id: `tok_${randomBytes(10).toString('hex')}`,
      appId,
      name: `${kind} ${ms}`,
      kind,
      tokenHash: createHash('sha256').update(token).digest('hex'),
      expiresAt: ms === null ? null : new Date(Date.now() + ms).toISOString(),
      createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    return token;
  }

  const get = (token: string, path: string) => fetch(herald.url + path, { headers: { authorization: `Bearer ${token}` } });

  it.each(['api', 'portal'] as const)('refuses an expired %s token with 401, and accepts one still valid', async (kind) => {
    const valid = await tokenExpiringIn(kind, 3_600_000);
    const expired = await tokenExpiringIn(kind, -1_000);
    const justExpired = await tokenExpiringIn(kind, -1);
    for (const path of [`/api/v1/apps/${appId}`, `/api/v1/apps/${appId}/endpoints`, `/api/v1/apps/${appId}/messages`]) {
      expect((await get(valid, path)).status, `valid ${kind} token on ${path}`).toBe(200);
      for (const token of [expired, justExpired]) {
        const res = await get(token, path);
        expect(res.status, `expired ${kind} token on ${path}`).toBe(401);
        expect(((await res.json()) as { code: string }).code).toBe('unauthorized');
      }
    }
  });

  it('keeps a token without expiry valid', async () => {
    expect((await get(await tokenExpiringIn('api', null), `/api/v1/apps/${appId}`)).status).toBe(200);
  });
});
