import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Every seed's product configured through the API, published through the API, and checked at a
// real receiver with the recipe from that seed's own documentation, written here from scratch with
// node:crypto (never with Herald's own verify), so a receiver built from the docs accepts Herald.

let herald: TestHerald;
const receivers: Receiver[] = [];

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

let appCount = 0;
/** One app per case, so a publish reaches only the endpoint under test. */
async function appWithEndpoint(endpoint: Record<string, unknown>) {
  const app = await herald.api('POST', '/api/v1/apps', { name: `wire ${++appCount}` });
  expect(app.status).toBe(201);
  const ep = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, endpoint);
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  return { appId: app.body.id as string, endpoint: ep.body };
}

async function publish(appId: string, message: Record<string, unknown>) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, message);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: string; createdAt: string; deliveries: number };
}

const hmacHex = (key: string, content: string) => createHmac('sha256', key).update(content, 'utf8').digest('hex');
const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

describe('iOFFICE / Eptura (seeds 000, 002): entity-ref + entity-path', () => {
  const agreementCreated = { eventType: 'CREATE', data: { name: 'Lease 25' }, entity: { type: 'Agreement', id: 25 } };

  it('GET to {url}/CREATE/Agreement/25 signed over "CREATE:Agreement:25"', async () => {
    const rx = await receiver();
    const { appId, endpoint } = await appWithEndpoint({ url: `${rx.url}/ioffice`, method: 'GET', secret: 'mySecret' });
    expect(endpoint).toMatchObject({ method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } });
    await publish(appId, agreementCreated);

    const [req] = await rx.waitFor(1);
    expect(req!.method).toBe('GET');
    expect(req!.url).toBe('/ioffice/CREATE/Agreement/25');
    expect(req!.body).toBe('');
    // Seed 000's recipe: the path's parts joined with ':' and HMAC-SHA256'd with the secret, hex.
    const [eventType, entityType, entityId] = req!.url.split('/').slice(-3);
    const expected = hmacHex('mySecret', `${eventType}:${entityType}:${entityId}`);
    expect(expected).toBe('6206491ddab1218e7d6a9c8b3fbaa43da7858ee678dc6cd53a4dcabf0216568e'); // the seed's own value
    expect(sameText(req!.headers['x-ioffice-signature']!, expected)).toBe(true);
  });

  it('POST variant carries {"eventType","entityType","entityId"} with entityId still a number', async () => {
    const rx = await receiver();
    const { appId } = await appWithEndpoint({
      url: `${rx.url}/eptura`, method: 'POST', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' }, secret: 'mySecret',
    });
    await publish(appId, agreementCreated);

    const [req] = await rx.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/eptura/CREATE/Agreement/25');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toBe('{"eventType":"CREATE","entityType":"Agreement","entityId":25}');
    const body = JSON.parse(req!.body) as { eventType: string; entityType: string; entityId: number };
    const expected = hmacHex('mySecret', `${body.eventType}:${body.entityType}:${body.entityId}`);
    expect(sameText(req!.headers['x-ioffice-signature']!, expected)).toBe(true);
  });

  it('does not deliver messages without an entity to an entity-ref endpoint', async () => {
    const rx = await receiver();
    const { appId } = await appWithEndpoint({ url: `${rx.url}/ioffice`, method: 'GET', secret: 'mySecret' });
    const msg = await publish(appId, { eventType: 'CREATE', data: {} });
    expect(msg.deliveries).toBe(0);
  });
});

describe('OfficeRnD (seed 001): event + timestamped', () => {
  it('POSTs {event, eventType, data, createdAt} with officernd-signature t=…,signature=… over "{body}.{t}"', async () => {
    const rx = await receiver();
    const secret = 'orn_secret_for_tests';
    const { appId } = await appWithEndpoint({
      url: `${rx.url}/webhooks/callback`, payloadFormat: 'event', signature: { scheme: 'timestamped' }, secret,
    });
    const data = { object: { _id: '5e8c9df14d46c7001064c3ef', name: 'Jonathan Brown' } };
    const msg = await publish(appId, { eventType: 'member.removed', data });

    const [req] = await rx.waitFor(1);
    expect(JSON.parse(req!.body)).toEqual({ event: msg.id, eventType: 'member.removed', data, createdAt: msg.createdAt });
    // Seed 001: split on ',' then on '='; HMAC-SHA256(secret, rawBody + '.' + t), hex.
    const fields = Object.fromEntries(req!.headers['officernd-signature']!.split(',').map((part) => part.split('=')));
    expect(Object.keys(fields)).toEqual(['t', 'signature']);
    expect(Math.abs(Date.now() / 1000 - Number(fields.t))).toBeLessThan(300);
    expect(sameText(fields.signature!, hmacHex(secret, `${req!.body}.${fields.t}`))).toBe(true);
  });
});

describe('PeopleForce (seed 003): raw', () => {
  it('POSTs the published data as-is, x-peopleforce-signature = "sha256=" + hex HMAC of the body', async () => {
    const rx = await receiver();
    const { appId } = await appWithEndpoint({
      url: `${rx.url}/pf`, payloadFormat: 'raw', secret: 'pf_secret',
      signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' },
    });
    await publish(appId, { eventType: 'employee_create', data: { action: 'employee_create', data: { id: 130333 } } });

    const [req] = await rx.waitFor(1);
    expect(req!.body).toBe('{"action":"employee_create","data":{"id":130333}}');
    const expected = 'sha256=' + hmacHex('pf_secret', req!.body);
    expect(expected).toBe('sha256=8d7128382c5b5e5c2994f45f8bd73bc954a477b6758409b552f8a3132167849a'); // WIRE-FORMATS vector 4
    expect(sameText(req!.headers['x-peopleforce-signature']!, expected)).toBe(true);
  });

  it('sends no signature when the webhook has no secret (scheme none)', async () => {
    const rx = await receiver();
    const { appId } = await appWithEndpoint({ url: `${rx.url}/pf`, payloadFormat: 'raw', signature: { scheme: 'none' } });
    const msg = await publish(appId, { eventType: 'employee_create', data: { action: 'employee_create' } });

    const [req] = await rx.waitFor(1);
    expect(req!.body).toBe('{"action":"employee_create"}');
    expect(Object.keys(req!.headers).filter((h) => /signature/.test(h))).toEqual([]);
    expect(req!.headers['webhook-id']).toBe(msg.id); // still there, for de-duplication
  });
});

describe('e-signing automation (seed 004): raw + X-Signature + key query parameter', () => {
  it('POSTs to {endpoint}?key=QueryParameterKey with X-Signature = hex HMAC of the body', async () => {
    const rx = await receiver();
    const { appId, endpoint } = await appWithEndpoint({
      url: `${rx.url}/automation`, payloadFormat: 'raw', secret: 'HeaderSecret', timeout: 'PT60S',
      signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, query: { key: 'QueryParameterKey' },
    });
    expect(endpoint.timeout).toBe('PT1M');
    const task = '07c6ad8c-d1ba-4e73-9bbf-c70a085a449c';
    await publish(appId, { eventType: 'OrderAccepted', data: { orderId: task, eventType: 'OrderAccepted', taskId: task } });

    const [req] = await rx.waitFor(1);
    expect(req!.url).toBe('/automation?key=QueryParameterKey');
    expect(JSON.parse(req!.body)).toEqual({ orderId: task, eventType: 'OrderAccepted', taskId: task });
    const expected = hmacHex('HeaderSecret', req!.body);
    expect(expected).toBe('10b0022efbff7e5e6505ff7223cf9dac6f086ee175ae30c6737fd2f2908c9fb6'); // WIRE-FORMATS vector 6
    expect(sameText(req!.headers['x-signature']!, expected)).toBe(true);
  });
});

describe('stripe and standard-webhooks schemes', () => {
  it('stripe: Stripe-Signature t=…,v1=… over "{t}.{body}" keyed with the whole secret', async () => {
    const rx = await receiver();
    const { appId } = await appWithEndpoint({ url: `${rx.url}/stripe`, signature: { scheme: 'stripe' }, secret: 'whsec_test' });
    await publish(appId, { eventType: 'invoice.paid', data: { id: 'in_1' } });

    const [req] = await rx.waitFor(1);
    const fields = Object.fromEntries(req!.headers['stripe-signature']!.split(',').map((part) => part.split('=')));
    expect(Object.keys(fields)).toEqual(['t', 'v1']);
    expect(sameText(fields.v1!, hmacHex('whsec_test', `${fields.t}.${req!.body}`))).toBe(true);
  });

  it('standard-webhooks: verified by the standardwebhooks package, custom headers arrive', async () => {
    const rx = await receiver();
    const { appId, endpoint } = await appWithEndpoint({ url: `${rx.url}/sw`, headers: { 'X-Tenant': 'acme' } });
    const msg = await publish(appId, { eventType: 'member.removed', data: { id: 7 } });

    const [req] = await rx.waitFor(1);
    const payload = new Webhook(endpoint.secret).verify(req!.body, req!.headers);
    expect(payload).toEqual({ type: 'member.removed', timestamp: msg.createdAt, data: { id: 7 } });
    expect(req!.headers['webhook-id']).toBe(msg.id);
    expect(req!.headers['x-tenant']).toBe('acme');
  });
});

describe('invalid configurations are refused with 400 and a clear message', () => {
  let appId: string;
  beforeAll(async () => {
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'invalid configs' })).body.id;
  });

  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['GET without entity-ref', { method: 'GET', payloadFormat: 'raw', signature: { scheme: 'none' } }, 'invalid_wire_config', /GET requires payloadFormat "entity-ref"/],
    ['entity-path without entity-ref', { signature: { scheme: 'entity-path' }, secret: 'mySecret' }, 'invalid_wire_config', /"entity-path" requires payloadFormat "entity-ref"/],
    ['standard-webhooks secret without whsec_', { secret: 'not-a-whsec-secret' }, 'invalid_secret', /must start with "whsec_"/],
    ['standard-webhooks secret that is not base64', { secret: 'whsec_not base64!' }, 'invalid_secret', /valid base64/],
    ['standard-webhooks secret of 16 bytes', { secret: `whsec_${Buffer.alloc(16, 1).toString('base64')}` }, 'invalid_secret', /24 to 64 bytes, got 16/],
    ['standard-webhooks secret of 65 bytes', { secret: `whsec_${Buffer.alloc(65, 1).toString('base64')}` }, 'invalid_secret', /24 to 64 bytes, got 65/],
    ['a header Herald sets', { headers: { 'Webhook-Signature': 'forged' } }, 'validation_error', /headers\["Webhook-Signature"\] is set by Herald/],
    ['content-type header', { headers: { 'Content-Type': 'text/plain' } }, 'validation_error', /headers\["Content-Type"\] is set by Herald/],
    ['the scheme\'s own signature header', {
      payloadFormat: 'raw', secret: 'pf_secret', headers: { 'X-PeopleForce-Signature': 'forged' },
      signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' },
    }, 'validation_error', /headers\["X-PeopleForce-Signature"\] is set by Herald/],
    ['a timeout over PT15M', { timeout: 'PT15M0.001S' }, 'validation_error', /from PT0\.1S \(100 ms\) to PT15M \(15 minutes\), got "PT15M0\.001S"/],
    ['a timeout under 100 ms', { timeout: 'PT0.099S' }, 'validation_error', /from PT0\.1S \(100 ms\) to PT15M/],
  ];
  it.each(cases)('%s', async (_name, body, code, message) => {
    const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'http://127.0.0.1:9/hook', ...body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toMatch(message);
  });

  it('accepts a standard-webhooks secret of exactly 24 and 64 bytes', async () => {
    for (const size of [24, 64]) {
      const secret = `whsec_${Buffer.alloc(size, 7).toString('base64')}`;
      const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'http://127.0.0.1:9/hook', secret });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.secret).toBe(secret);
    }
  });
});
