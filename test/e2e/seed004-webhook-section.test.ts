import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKeystores, type KeystoreFiles } from '../helpers/keystores.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { callHerald, spawnHerald, type SpawnedHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

// The e-signing automation service's document (shared/seeds/004), example by example: a real
// `herald serve --config FILE` reads the service's own `webHook` section, and a real receiver
// checks what arrives (URL, body bytes, X-Signature computed here with node:crypto). Every example
// restarts Herald on the same data, so the endpoint keeps its id and its history across restarts.

warnIfNoPostgres('the seed 004 webHook section on PostgreSQL (test/e2e/seed004-webhook-section.test.ts)');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** The document's body, spacing included: Herald sends the published data's exact bytes. */
const DOC_BODY = `{
  "orderId": "07c6ad8c-d1ba-4e73-9bbf-c70a085a449c",
  "eventType":"OrderAccepted",
  "taskId": "07c6ad8c-d1ba-4e73-9bbf-c70a085a449c"
}`;
const TOKEN = 'seed004-admin-token';

interface Arrived {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  clientCn: string | null;
}

interface HttpsRecorder {
  url: string;
  requests: Arrived[];
  close(): Promise<void>;
}

/** An HTTPS receiver on loopback recording headers, body and the client certificate presented. */
async function httpsRecorder(tls: ServerOptions): Promise<HttpsRecorder> {
  const requests: Arrived[] = [];
  const server = createServer(tls, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const cn = (req.socket as TLSSocket).getPeerCertificate()?.subject?.CN;
    requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), clientCn: typeof cn === 'string' ? cn : null });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let pki: TestPki;
let keysDir: string;
let files: KeystoreFiles;
let plain: Receiver;
let selfSigned: HttpsRecorder;
let caSigned: HttpsRecorder;
let mutual: HttpsRecorder;

beforeAll(async () => {
  pki = createTestPki();
  keysDir = mkdtempSync(join(tmpdir(), 'herald-seed004-keys-'));
  files = writeKeystores(keysDir, pki);
  plain = await startReceiver();
  selfSigned = await httpsRecorder({ cert: files.selfSignedCert, key: files.selfSignedKey });
  caSigned = await httpsRecorder({ cert: pki.serverCert, key: pki.serverKey });
  mutual = await httpsRecorder({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true });
});
afterAll(async () => {
  await Promise.all([plain.close(), selfSigned.close(), caSigned.close(), mutual.close()]);
  rmSync(keysDir, { recursive: true, force: true });
});

describe.each(stores)('the webHook section of the e-signing service ($store)', ({ pg }) => {
  let dataDir: string;
  let configFile: string;
  let schema: TestSchema | null;
  let herald: SpawnedHerald | null = null;
  let endpointId: string | undefined;
  let published = 0;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-seed004-'));
    // The config file sits in its own folder; key files are named relative to it, as the service's are.
    configFile = join(dataDir, 'automation-config.json');
    schema = pg ? testSchema('seed004') : null;
  });
  afterAll(async () => {
    await stop();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function stop(): Promise<void> {
    if (!herald) return;
    herald.process.kill('SIGTERM');
    await herald.exited;
    herald = null;
  }

  /** Restarts Herald with the product's configuration file holding this webHook section. */
  async function serveWith(webHook: Record<string, unknown>): Promise<SpawnedHerald> {
    await stop();
    // The product's own file: its other sections are not Herald's and are left alone.
    writeFileSync(configFile, JSON.stringify({ server: { port: 8443 }, webHook }, null, 2));
    const args = ['serve', '--config', configFile, '--data-dir', dataDir, '--admin-token', TOKEN, '--allow-private-networks'];
    herald = await spawnHerald(args, { HERALD_RETRY_SCHEDULE: '100ms,100ms', ...(schema ? { HERALD_DATABASE: schema.url } : {}) });
    return herald;
  }

  /** The one endpoint the section declares: the same id at every start. */
  async function declaredEndpoint(h: SpawnedHerald) {
    const list = await callHerald(h.url, TOKEN, 'GET', '/api/v1/apps/default/endpoints');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    const ep = list.body.data[0];
    expect(ep.uid).toBe('webHook');
    endpointId ??= ep.id;
    expect(ep.id).toBe(endpointId);
    return ep;
  }

  /** Publishes the document's OrderAccepted body as raw JSON text; answers how many deliveries it made. */
  async function publishOrderAccepted(h: SpawnedHerald): Promise<{ id: string; deliveries: number }> {
    const res = await fetch(`${h.url}/api/v1/apps/default/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: `{"eventType": "OrderAccepted", "data": ${DOC_BODY}}`,
    });
    expect(res.status).toBe(202);
    published++;
    return (await res.json()) as { id: string; deliveries: number };
  }

  async function arrival<T>(requests: T[], before: number): Promise<T> {
    await eventually(() => requests.length > before, 15_000);
    expect(requests).toHaveLength(before + 1);
    return requests[before]!;
  }

  it('enabled is false by default: the endpoint is declared, nothing is delivered', async () => {
    const h = await serveWith({ endpoint: `${plain.url}/automation` });
    const ep = await declaredEndpoint(h);
    expect(ep).toMatchObject({ disabled: true, url: `${plain.url}/automation`, payloadFormat: 'raw', signature: { scheme: 'none' }, eventTypes: [] });
    const before = plain.requests.length;
    const msg = await publishOrderAccepted(h);
    expect(msg.deliveries).toBe(0);
    // Later examples prove deliveries to this receiver arrive within the same wait; none came here.
    expect(plain.requests).toHaveLength(before);
  });

  it('the minimal example: POST of the data as is to the endpoint, no signature', async () => {
    const h = await serveWith({ enabled: true, endpoint: `${plain.url}/automation` });
    expect((await declaredEndpoint(h)).disabled).toBe(false);
    const before = plain.requests.length;
    const msg = await publishOrderAccepted(h);
    expect(msg.deliveries).toBe(1);
    const req = await arrival(plain.requests, before);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/automation');
    expect(req.body).toBe(DOC_BODY);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-signature']).toBeUndefined();
  });

  it('key: called as …/automation/?key=QueryParameterKey', async () => {
    const h = await serveWith({ enabled: true, key: 'QueryParameterKey', endpoint: `${plain.url}/automation` });
    await declaredEndpoint(h);
    const before = plain.requests.length;
    await publishOrderAccepted(h);
    const req = await arrival(plain.requests, before);
    expect(`${plain.url}${req.url}`).toBe(`${plain.url}/automation/?key=QueryParameterKey`);
    expect(req.body).toBe(DOC_BODY);
  });

  it('connectionTimeout: PT60S is the endpoint\'s timeout', async () => {
    const h = await serveWith({ enabled: true, connectionTimeout: 'PT60S', endpoint: `${plain.url}/automation` });
    expect((await declaredEndpoint(h)).timeout).toBe('PT1M');
    const before = plain.requests.length;
    await publishOrderAccepted(h);
    expect((await arrival(plain.requests, before)).body).toBe(DOC_BODY);
  });

  it('secret: X-Signature is the hex HMAC-SHA256 of the body with the secret', async () => {
    const h = await serveWith({ enabled: true, secret: 'HeaderSecret', endpoint: `${plain.url}/automation` });
    await declaredEndpoint(h);
    const before = plain.requests.length;
    await publishOrderAccepted(h);
    const req = await arrival(plain.requests, before);
    expect(req.body).toBe(DOC_BODY);
    expect(req.headers['x-signature']).toBe(createHmac('sha256', 'HeaderSecret').update(req.body, 'utf8').digest('hex'));
    expect(req.headers['x-signature']).toBe(createHmac('sha256', 'HeaderSecret').update(DOC_BODY, 'utf8').digest('hex'));
  });

  it('https with the default: every certificate is trusted (a self-signed one too), with a warning at start', async () => {
    const h = await serveWith({ enabled: true, secret: 'HeaderSecret', endpoint: `${selfSigned.url}/automation` });
    expect(h.output()).toMatch(/TLS certificates of the receiver are NOT verified/);
    expect((await declaredEndpoint(h)).tls).toMatchObject({ insecureSkipVerify: true });
    const before = selfSigned.requests.length;
    await publishOrderAccepted(h);
    const req = await arrival(selfSigned.requests, before);
    expect(req.url).toBe('/automation');
    expect(req.body).toBe(DOC_BODY);
    expect(req.headers['x-signature']).toBe(createHmac('sha256', 'HeaderSecret').update(DOC_BODY).digest('hex'));
  });

  it('useSslTrustAll: false verifies: refused without a trust store, delivered with a PKCS#12 one', async () => {
    let h = await serveWith({ enabled: true, useSslTrustAll: false, endpoint: `${caSigned.url}/automation` });
    expect(h.output()).not.toMatch(/NOT verified/);
    await declaredEndpoint(h);
    const untouched = caSigned.requests.length;
    const refused = await publishOrderAccepted(h);
    // Every attempt (the first and both retries) refused for the certificate, none reaching the receiver.
    const attempts = await eventually(async () => {
      const data = (await callHerald(h.url, TOKEN, 'GET', `/api/v1/apps/default/messages/${refused.id}/attempts`)).body.data;
      return data.length === 3 ? data : null;
    }, 15_000);
    for (const attempt of attempts) {
      expect(attempt.status).toBe('failed');
      expect(attempt.error).toMatch(/certificate/i);
    }
    expect(caSigned.requests).toHaveLength(untouched);

    h = await serveWith({
      enabled: true, useSslTrustAll: false, sslTrustFile: join('..', basename(keysDir), 'trust.p12'),
      sslKeyPassword: files.password, endpoint: `${caSigned.url}/automation`,
    });
    await declaredEndpoint(h);
    const before = caSigned.requests.length;
    await publishOrderAccepted(h);
    const req = await arrival(caSigned.requests, before);
    expect(req.body).toBe(DOC_BODY);
  });

  for (const [format, keyFile] of [['PKCS#12', 'client.p12'], ['PEM', 'client.pem']] as const) {
    it(`client authentication with a ${format} key store against a receiver that requires a client certificate`, async () => {
      const h = await serveWith({
        enabled: true, useSslTrustAll: false, useSslClientCert: true,
        sslTrustFile: join(keysDir, 'trust.p12'), sslKeyFile: join(keysDir, keyFile), sslKeyPassword: files.password,
        secret: 'HeaderSecret', key: 'QueryParameterKey', endpoint: `${mutual.url}/automation`,
      });
      const ep = await declaredEndpoint(h);
      expect(ep.tls).toMatchObject({ hasKey: true, insecureSkipVerify: false });
      const before = mutual.requests.length;
      await publishOrderAccepted(h);
      const req = await arrival(mutual.requests, before);
      expect(req.clientCn).toBe('herald-client');
      expect(`${mutual.url}${req.url}`).toBe(`${mutual.url}/automation/?key=QueryParameterKey`);
      expect(req.body).toBe(DOC_BODY);
      expect(req.headers['x-signature']).toBe(createHmac('sha256', 'HeaderSecret').update(DOC_BODY).digest('hex'));
    });
  }

  it('kept one endpoint and its history through every restart; a JKS key store stops start-up with the way to convert it', async () => {
    const h = await serveWith({ enabled: false, endpoint: `${plain.url}/automation` });
    await declaredEndpoint(h);
    const messages = await callHerald(h.url, TOKEN, 'GET', '/api/v1/apps/default/messages?limit=250');
    expect(messages.body.data).toHaveLength(published);
    await stop();

    writeFileSync(configFile, JSON.stringify({ webHook: { enabled: true, useSslClientCert: true, sslKeyFile: join(keysDir, 'keystore.jks'), endpoint: `${mutual.url}/a` } }));
    const args = ['serve', '--config', configFile, '--data-dir', dataDir, '--admin-token', TOKEN];
    await expect(spawnHerald(args, schema ? { HERALD_DATABASE: schema.url } : {}))
      .rejects.toThrow(/webHook\.sslKeyFile \(.*keystore\.jks\) is a Java KeyStore \(JKS\).*keytool -importkeystore -srckeystore in\.jks -destkeystore out\.p12 -deststoretype pkcs12/);
  });
});
