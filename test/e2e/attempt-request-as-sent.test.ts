import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// An attempt's request, as the API (and so the dashboard, the portal and the CLI) shows it, is the
// request the receiver got: method, path and query, every header Herald set, and the body byte for
// byte. Attempts whose body is their message rendered in the endpoint's format no longer store that
// body but rebuild it when read (migration 23): this compares the rebuilt request with what a real
// receiver recorded, for each seed's wire format, a transformed endpoint, a resend, and an endpoint
// whose format changed after the attempt.

warnIfNoPostgres('attempt requests as sent, on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** Headers the HTTP client adds on the wire; Herald never recorded them. */
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

function expectShownAsReceived(shown: { method: string; url: string; headers: Record<string, string>; body: string | null }, got: ReceivedRequest): void {
  expect(shown.method).toBe(got.method);
  const url = new URL(shown.url);
  expect(url.pathname + url.search).toBe(got.url);
  expect(shown.body).toBe(got.method === 'GET' ? null : got.body);
  const shownHeaders = Object.fromEntries(Object.entries(shown.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const gotHeaders = Object.fromEntries(Object.entries(got.headers).filter(([k]) => !TRANSPORT_HEADERS.has(k)));
  expect(shownHeaders).toEqual(gotHeaders);
}

describe.each(stores)('an attempt shows the request as the receiver got it ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let rx: Receiver;

  beforeAll(async () => {
    schema = pg ? testSchema('attempt_request') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    rx = await startReceiver();
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await rx?.close();
  });

  let apps = 0;
  async function endpointIn(endpoint: Record<string, unknown>) {
    const app = (await herald.api('POST', '/api/v1/apps', { name: `as sent ${++apps}` })).body;
    const ep = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, endpoint);
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
    return { appId: app.id as string, endpointId: ep.body.id as string };
  }
  /** Published as raw text, so a body that keeps the publisher's bytes (raw) shows them. */
  async function publish(appId: string, json: string): Promise<string> {
    const res = await fetch(`${herald.url}/api/v1/apps/${appId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' }, body: json,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }
  const received = (msgId: string, count: number) =>
    eventually(() => { const got = rx.requests.filter((r) => r.headers['webhook-id'] === msgId); return got.length >= count && got; });
  async function attemptsOf(appId: string, msgId: string, count: number) {
    return eventually(async () => {
      const list = (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}/attempts`)).body.data as any[];
      return list.length >= count && list.sort((a, b) => (a.id < b.id ? -1 : 1));
    });
  }

  const message = '{"eventType":"Agreement.created","data":{"big":12345678901234567890,"f":1.0,"text":"é ✓"},"entity":{"type":"Agreement","id":25}}';
  const formats: Array<[string, Record<string, unknown>, string]> = [
    ['Standard Webhooks, with custom headers and a query', { url: `/std?tenant=a%20b`, headers: { 'X-Tenant': 'acme' } }, message],
    ['OfficeRnD (seed 001): event + timestamped, publisher id and time', { url: '/officernd', payloadFormat: 'event', signature: { scheme: 'timestamped' }, secret: 'ornd_secret' },
      '{"eventType":"member.created","eventId":"evt_77","timestamp":"2026-11-30T09:00:00+01:00","data":{"id":"m1"}}'],
    ['PeopleForce (seed 003): raw + hmac-sha256', { url: '/pf', payloadFormat: 'raw', secret: 'pf_secret', signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' } }, message],
    ['e-signing automation (seed 004): raw + X-Signature + key query', { url: '/automation', payloadFormat: 'raw', secret: 'HeaderSecret', signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, query: { key: 'QueryParameterKey' } }, message],
    ['iOFFICE / Eptura (seeds 000, 002): entity-ref POST', { url: '/eptura', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' }, secret: 'mySecret' }, message],
    ['iOFFICE (seed 000): entity-ref GET, no body', { url: '/ioffice', method: 'GET', secret: 'mySecret' }, message],
    ['Stripe-style', { url: '/stripe', signature: { scheme: 'stripe' }, secret: 'whsec_test' }, message],
  ];

  it.each(formats)('%s', async (_name, settings, published) => {
    const { appId } = await endpointIn({ ...settings, url: `${rx.url}${settings.url as string}` });
    const msgId = await publish(appId, published);
    const [got] = await received(msgId, 1);
    const [attempt] = await attemptsOf(appId, msgId, 1);
    expectShownAsReceived(attempt.request, got!);
  });

  it('a transformed request (stored whole: it cannot be rebuilt from the message)', async () => {
    const { appId } = await endpointIn({
      url: `${rx.url}/shop`,
      transformation: `function handler(w) { w.url = w.url + '/orders'; w.headers['X-Kind'] = w.eventType; w.payload = { order: w.payload.data.big }; return w; }`,
    });
    const msgId = await publish(appId, message);
    const [got] = await received(msgId, 1);
    expect(got!.url).toBe('/shop/orders');
    const [attempt] = await attemptsOf(appId, msgId, 1);
    expectShownAsReceived(attempt.request, got!);
  });

  it('a resend: each attempt shows its own timestamp and signature with the same body', async () => {
    const { appId, endpointId } = await endpointIn({ url: `${rx.url}/resend` });
    const msgId = await publish(appId, message);
    await received(msgId, 1);
    await attemptsOf(appId, msgId, 1);
    const resent = await herald.api('POST', `/api/v1/apps/${appId}/messages/${msgId}/endpoints/${endpointId}/resend`);
    expect(resent.status).toBe(202);
    const got = await received(msgId, 2);
    const attempts = await attemptsOf(appId, msgId, 2);
    expectShownAsReceived(attempts[0].request, got[0]!);
    expectShownAsReceived(attempts[1].request, got[1]!);
  });

  it('an endpoint whose format and headers changed later still shows what was sent then', async () => {
    const { appId, endpointId } = await endpointIn({ url: `${rx.url}/changed`, headers: { 'X-Before': '1' } });
    const msgId = await publish(appId, message);
    const [got] = await received(msgId, 1);
    await attemptsOf(appId, msgId, 1);
    const patched = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${endpointId}`, {
      payloadFormat: 'raw', signature: { scheme: 'none' }, headers: { 'X-After': '2' }, url: `${rx.url}/elsewhere`,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const [attempt] = await attemptsOf(appId, msgId, 1);
    expectShownAsReceived(attempt.request, got!);
  });
});
