import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { startHttpsReceiver, type HttpsReceiver } from '../helpers/https-receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

// Endpoint TLS settings (seed 004: trust file, client certificate with key password, "trust all")
// against real HTTPS receivers on loopback, with a CA made for the test.

let pki: TestPki;
let herald: TestHerald;
const logLines: Array<{ level: number; msg: string; endpointId?: string }> = [];
const receivers: HttpsReceiver[] = [];

beforeAll(async () => {
  pki = createTestPki();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  herald = await startTestHerald({}, pino({ level: 'warn' }, sink));
});
afterAll(async () => {
  await herald.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function httpsReceiver(mutual = false) {
  const rx = await startHttpsReceiver({
    cert: pki.serverCert,
    key: pki.serverKey,
    ...(mutual ? { ca: pki.caCert, requestCert: true, rejectUnauthorized: true } : {}),
  });
  receivers.push(rx);
  return rx;
}

/** Creates an endpoint, publishes one message, and returns the endpoint and the first attempt. */
async function deliverOnce(url: string, tls: Record<string, unknown> | undefined) {
  const app = await herald.api('POST', '/api/v1/apps', { name: 'tls' });
  const ep = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url, ...(tls ? { tls } : {}) });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  const msg = await herald.api('POST', `/api/v1/apps/${app.body.id}/messages`, { eventType: 'tls.test', data: { ok: true } });
  const attempt = await eventually(async () => {
    const res = await herald.api('GET', `/api/v1/apps/${app.body.id}/messages/${msg.body.id}/attempts`);
    return res.body.data.find((a: { attempt: number }) => a.attempt === 1);
  });
  return { endpoint: ep.body, attempt };
}

describe('server certificate verification', () => {
  it('(a) refuses a certificate from a CA it does not trust, and says so', async () => {
    const rx = await httpsReceiver();
    const { attempt } = await deliverOnce(`${rx.url}/hook`, undefined);
    expect(attempt.status).toBe('failed');
    expect(attempt.error).toMatch(/TLS certificate verification failed: .*tls.ca/);
    expect(rx.requests).toHaveLength(0);
  });

  it('(b) accepts it once the endpoint trusts the CA (tls.ca)', async () => {
    const rx = await httpsReceiver();
    const { endpoint, attempt } = await deliverOnce(`${rx.url}/hook`, { ca: pki.caCert });
    expect(attempt.status).toBe('success');
    expect(rx.requests[0]!.body).toContain('"tls.test"');
    expect(endpoint.tls).toMatchObject({ ca: pki.caCert, cert: null, hasKey: false, insecureSkipVerify: false });
  });

  it('(d) insecureSkipVerify delivers anyway, is echoed by the API and logs a warning', async () => {
    const rx = await httpsReceiver();
    const { endpoint, attempt } = await deliverOnce(`${rx.url}/hook`, { insecureSkipVerify: true });
    expect(attempt.status).toBe('success');
    expect(endpoint.tls.insecureSkipVerify).toBe(true);
    const shown = await herald.api('GET', `/api/v1/apps/${endpoint.appId}/endpoints/${endpoint.id}`);
    expect(shown.body.tls.insecureSkipVerify).toBe(true);
    const warning = logLines.find((l) => l.endpointId === endpoint.id);
    expect(warning?.level).toBe(40); // pino's warn
    expect(warning?.msg).toMatch(/TLS certificate verification is disabled/);
  });
});

describe('(c) mutual TLS: the receiver requires a client certificate from its CA', () => {
  it('fails without a client certificate', async () => {
    const rx = await httpsReceiver(true);
    const { attempt } = await deliverOnce(`${rx.url}/mtls`, { ca: pki.caCert });
    expect(attempt.status).toBe('failed');
    expect(rx.requests).toHaveLength(0);
  });

  it('succeeds with tls.cert and tls.key', async () => {
    const rx = await httpsReceiver(true);
    const { endpoint, attempt } = await deliverOnce(`${rx.url}/mtls`, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    expect(attempt.status).toBe('success');
    expect(rx.requests[0]!.clientCn).toBe('herald-client');
    // Key material is write-only in the API.
    expect(endpoint.tls).toMatchObject({ cert: pki.clientCert, hasKey: true });
    expect(JSON.stringify(endpoint)).not.toContain('PRIVATE KEY');
  });

  it('succeeds with an encrypted key and its passphrase', async () => {
    const rx = await httpsReceiver(true);
    const tls = { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: pki.passphrase };
    const { attempt } = await deliverOnce(`${rx.url}/mtls`, tls);
    expect(attempt.status).toBe('success');
    expect(rx.requests[0]!.clientCn).toBe('herald-client');
  });
});

describe('unusable TLS settings are refused when configured, naming the field', () => {
  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    ['wrong passphrase', () => ({ cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: 'wrong' }), /tls.passphrase does not decrypt tls.key/],
    ['encrypted key without passphrase', () => ({ cert: pki.clientCert, key: pki.clientKeyEncrypted }), /tls.key is encrypted/],
    ['certificate without key', () => ({ cert: pki.clientCert }), /tls.cert and tls.key go together/],
    ['key that does not match the certificate', () => ({ cert: pki.clientCert, key: pki.serverKey }), /tls.key cannot be used with tls.cert/],
    ['CA that is not a PEM certificate', () => ({ ca: 'not a certificate' }), /tls.ca must hold one or more PEM certificates/],
  ];
  it.each(cases)('%s', async (_name, tls, message) => {
    const app = await herald.api('POST', '/api/v1/apps', { name: 'bad tls' });
    const res = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url: 'https://127.0.0.1:9/x', tls: tls() });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_tls', message: expect.stringMatching(message) });
  });
});

describe('requireHttps', () => {
  let strict: TestHerald;
  beforeAll(async () => {
    strict = await startTestHerald({ requireHttps: true });
  });
  afterAll(() => strict.stop());

  it('refuses http:// endpoint URLs with 400 insecure_url, on create and on update', async () => {
    const app = await strict.api('POST', '/api/v1/apps', { name: 'strict' });
    const refused = await strict.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url: 'http://127.0.0.1:9/hook' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'insecure_url', message: expect.stringMatching(/must use https:\/\//) });

    const ok = await strict.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url: 'https://127.0.0.1:9/hook' });
    expect(ok.status).toBe(201);
    const patched = await strict.api('PATCH', `/api/v1/apps/${app.body.id}/endpoints/${ok.body.id}`, { url: 'http://127.0.0.1:9/hook' });
    expect(patched.body.code).toBe('insecure_url');
  });

  it('is off by default and switched on by HERALD_REQUIRE_HTTPS=1', () => {
    expect(resolveConfig({}, {}).requireHttps).toBe(false);
    expect(resolveConfig({}, { HERALD_REQUIRE_HTTPS: '1' }).requireHttps).toBe(true);
  });
});
