import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsReceiver, type HttpsReceiver } from '../helpers/https-receiver.js';
import { writeKeystores, type KeystoreFiles } from '../helpers/keystores.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

// The API takes PKCS#12 files (base64) for an endpoint's client identity (`tls.pkcs12`) and trust
// store (`tls.caPkcs12`), besides PEM; and endpoint timeouts from 100 ms to 15 minutes.

warnIfNoPostgres('PKCS#12 TLS settings on PostgreSQL (test/e2e/tls-pkcs12-api.test.ts)');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

let pki: TestPki;
let dir: string;
let files: KeystoreFiles;
let mutual: HttpsReceiver;
const base64 = (path: string) => readFileSync(path).toString('base64');

beforeAll(async () => {
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'herald-p12-'));
  files = writeKeystores(dir, pki);
  // Requires a client certificate from the test CA.
  mutual = await startHttpsReceiver({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true });
});
afterAll(async () => {
  await mutual.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(stores)('PKCS#12 and timeouts through the API ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null;
  let appId: string;

  beforeAll(async () => {
    schema = pg ? testSchema('tls_pkcs12') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : { database: null });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'pkcs12' })).body.id;
  });
  afterAll(async () => {
    await herald.stop();
    await schema?.drop();
  });

  const create = (body: Record<string, unknown>) => herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${mutual.url}/hook`, ...body });

  async function sealedTls(endpointId: string): Promise<string> {
    if (schema) return withPgClient(async (c) => String((await c.query('SELECT tls FROM endpoints WHERE id = $1', [endpointId])).rows[0].tls), schema.name);
    const db = new Database(join(herald.dataDir, 'herald.db'), { readonly: true });
    try {
      return String((db.prepare('SELECT tls FROM endpoints WHERE id = ?').get(endpointId) as { tls: string }).tls);
    } finally {
      db.close();
    }
  }

  it('a PKCS#12 client identity and trust store authenticate against a receiver that requires a client certificate', async () => {
    for (const [identity, label] of [[files.clientP12, 'current'], [files.clientP12Legacy, 'legacy']] as const) {
      const before = mutual.requests.length;
      const ep = await create({
        name: `p12 ${label}`,
        tls: { pkcs12: base64(identity), passphrase: files.password, caPkcs12: base64(files.trustP12), caPassphrase: files.password },
      });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      // What was configured shows as PEM; the key stays write-only, and no PKCS#12 or password is echoed.
      expect(ep.body.tls).toMatchObject({ hasKey: true, insecureSkipVerify: false });
      expect(ep.body.tls.cert).toContain(pki.clientCert.trim().split('\n')[1]);
      expect(ep.body.tls.ca).toContain(pki.caCert.trim().split('\n')[1]);
      expect(Object.keys(ep.body.tls).sort()).toEqual(['ca', 'cert', 'hasKey', 'insecureSkipVerify']);
      // Sealed at rest like any key: no PEM and no password in the row.
      const row = await sealedTls(ep.body.id);
      expect(row).not.toMatch(/PRIVATE KEY|CERTIFICATE|store-password/);

      const msg = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'p12.test', data: { label } });
      expect(msg.status).toBe(202);
      await eventually(() => mutual.requests.length > before);
      expect(mutual.requests.at(-1)).toMatchObject({ url: '/hook', clientCn: 'herald-client', body: `{"type":"p12.test","timestamp":"${msg.body.createdAt}","data":{"label":"${label}"}}` });
      await herald.api('DELETE', `/api/v1/apps/${appId}/endpoints/${ep.body.id}`);
    }
  });

  it('refuses unusable PKCS#12 uploads with invalid_tls and a message naming the field', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['wrong password', { pkcs12: base64(files.clientP12), passphrase: 'wrong' }, /^tls\.pkcs12: the password does not open it \(tls\.passphrase\)$/],
      ['no password', { pkcs12: base64(files.clientP12) }, /^tls\.pkcs12 is protected by a password: give its password \(tls\.passphrase\)$/],
      ['not base64', { pkcs12: 'not base64!' }, /^tls\.pkcs12 must be the base64 text of a PKCS#12 \(\.p12\/\.pfx\) file$/],
      ['not PKCS#12', { caPkcs12: Buffer.from('hello').toString('base64') }, /^tls\.caPkcs12 is not a PKCS#12 file/],
      ['a trust store as identity', { pkcs12: base64(files.trustP12NoPassword) }, /^tls\.pkcs12 holds no private key/],
      ['a Java KeyStore', { pkcs12: base64(files.jks) }, /Java KeyStore \(JKS\).*keytool -importkeystore -srckeystore in\.jks -destkeystore out\.p12 -deststoretype pkcs12/],
      ['both PKCS#12 and PEM', { pkcs12: base64(files.clientP12), passphrase: files.password, cert: pki.clientCert, key: pki.clientKey }, /leave out tls\.cert and tls\.key/],
      ['a trust store password alone', { caPassphrase: 'x' }, /tls\.caPassphrase is the password of tls\.caPkcs12, which is missing/],
    ];
    for (const [name, tls, message] of cases) {
      const res = await create({ tls });
      expect(res.status, name).toBe(400);
      expect(res.body.code, name).toBe('invalid_tls');
      expect(res.body.message, name).toMatch(message);
    }
  });

  it('accepts timeouts from PT0.1S to PT15M and refuses the rest with the range in words', async () => {
    for (const [timeout, shown] of [['PT0.1S', 'PT0.1S'], ['PT0.5S', 'PT0.5S'], ['PT10M', 'PT10M'], ['PT15M', 'PT15M'], ['PT900S', 'PT15M']]) {
      const res = await create({ timeout });
      expect(res.status, timeout).toBe(201);
      expect(res.body.timeout).toBe(shown);
      const patched = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${res.body.id}`, { timeout: 'PT60S' });
      expect(patched.body.timeout).toBe('PT1M');
    }
    for (const timeout of ['PT0.09S', 'PT0S', 'PT15M1S', 'PT1H']) {
      const res = await create({ timeout });
      expect(res.status, timeout).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_error',
        message: `timeout must be an ISO 8601 duration from PT0.1S (100 ms) to PT15M (15 minutes), got "${timeout}"`,
      });
    }
  });
});
