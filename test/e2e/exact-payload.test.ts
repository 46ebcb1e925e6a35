import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Issue 13, finding 2: the bytes of `data` in a publish request are the bytes every receiver gets,
// in every payload format, signed as sent. Bodies are sent as raw strings (never JSON.stringify of
// an object, which would itself change them) and compared byte for byte at a real receiver;
// signatures are checked with the `standardwebhooks` package.

/** Texts that a parse + re-serialise round trip changes, each a whole `data` value. */
const CASES = [
  '{"orderId":1234567890123456789,"amount":1e400}',
  '9007199254740993',
  '{"price":1.0,"zero":-0,"negZero":-0.0,"exp":1E+2,"tiny":1e-400,"long":0.10000000000000000555}',
  '"\\u00e9\\/\\u2028"',
  '{"name":"\\u00e9","path":"a\\/b","literal":"é😀","quote":"\\"","tab":"\\t","nul":"\\u0000"}',
  '{\n  "a" : [ 1 ,\t2 ],\r\n  "b" : { },\n  "c":null\n}',
  '[ 1.0 , -0 , 12345678901234567890123 ]',
  '{"a":1,"a":2}',
  // Legal JSON, and the publisher's own business: delivered as published (see README).
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}',
];

/** A publish body around `data`, spaced differently for odd cases, with `data` first or last. */
const publishBody = (data: string, i: number, extra = '') =>
  i % 2 === 0
    ? `{"eventType":"order.created"${extra},"data":${data}}`
    : `{\n  "data" :  ${data} ,\n  "eventType": "order.created"${extra}\n}`;

interface Published { id: string; createdAt: string; text: string }

/** What each payload format must send for a message (WIRE-FORMATS.md), with `data` verbatim. */
function expectedBody(format: string, msg: Published, data: string): string {
  switch (format) {
    case 'raw':
      return data;
    case 'standard':
      return `{"type":"order.created","timestamp":"${msg.createdAt}","data":${data}}`;
    case 'event':
      return `{"event":"${msg.id}","eventType":"order.created","data":${data},"createdAt":"${msg.createdAt}"}`;
    default:
      throw new Error(format);
  }
}

const FORMATS = ['raw', 'standard', 'event'] as const;

const stores: Array<[string, (() => TestSchema) | null]> = [
  ['SQLite', null],
  ['PostgreSQL', () => testSchema('exact_payload')],
];
warnIfNoPostgres('exact-payload.test.ts on PostgreSQL');

describe.each(stores)('payloads exactly as published (%s)', (storeName, schemaFor) => {
  const skip = storeName === 'PostgreSQL' && !TEST_PG_URL;
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  /** While true, the receiver fails every request to /flaky. */
  let outage = true;
  let appId: string;
  const endpoints: Record<string, { id: string; secret: string }> = {};

  beforeAll(async () => {
    if (skip) return;
    schema = schemaFor?.() ?? null;
    // database: null is SQLite (<dataDir>/herald.db), whatever HERALD_TEST_STORE says.
    herald = await startTestHerald({ database: schema ? schema.url : null });
    receiver = await startReceiver((req) => ({ status: outage && req.url.startsWith('/flaky') ? 500 : 200 }));
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'exact' })).body.id;
    for (const format of FORMATS) {
      const ep = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/${format}`, payloadFormat: format });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      endpoints[format] = { id: ep.body.id, secret: ep.body.secret };
    }
  });
  afterAll(async () => {
    if (skip) return;
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(herald.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  async function get(path: string): Promise<string> {
    const res = await fetch(herald.url + path, { headers: { authorization: `Bearer ${herald.token}` } });
    expect(res.status).toBe(200);
    return res.text();
  }

  async function publish(data: string, i: number, extra = '', headers: Record<string, string> = {}): Promise<Published> {
    const res = await post(`/api/v1/apps/${appId}/messages`, publishBody(data, i, extra), headers);
    expect(res.status, res.text).toBe(202);
    return { ...JSON.parse(res.text), text: res.text };
  }

  const requestsFor = (msgId: string, path: string) => receiver.requests.filter((r) => r.headers['webhook-id'] === msgId && r.url === path);

  /** Every request for the message at each endpoint carries the exact bytes, under a valid signature. */
  async function expectDelivered(msg: Published, data: string, formats: readonly string[] = FORMATS, atLeast = 1): Promise<void> {
    for (const format of formats) {
      const got: ReceivedRequest[] = await eventually(() => {
        const r = requestsFor(msg.id, `/${format}`);
        return r.length >= atLeast ? r : null;
      });
      for (const req of got) {
        expect(req.body, `${format} body of ${data}`).toBe(expectedBody(format, msg, data));
        // Throws unless the signature covers exactly these bytes.
        expect(() => new Webhook(endpoints[format]!.secret).verify(req.body, req.headers)).not.toThrow();
      }
    }
  }

  it.skipIf(skip)('single publishes: every format sends the data text unchanged, signed, and the API shows it unchanged', async () => {
    const published: Published[] = [];
    for (const [i, data] of CASES.entries()) {
      const msg = await publish(data, i);
      // The 202 answer shows the stored text, not a re-serialisation.
      expect(msg.text).toContain(`"data":${data},`);
      published.push(msg);
    }
    for (const [i, data] of CASES.entries()) await expectDelivered(published[i]!, data);

    for (const [i, data] of CASES.entries()) {
      expect(await get(`/api/v1/apps/${appId}/messages/${published[i]!.id}`)).toContain(`"data":${data},`);
    }
    const list = await get(`/api/v1/apps/${appId}/messages?limit=250`);
    for (const data of CASES) expect(list).toContain(`"data":${data},`);
    // Nothing in Herald picked up the __proto__ keys of the last case.
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.skipIf(skip)('batch publish: each message keeps its own data text', async () => {
    const messages = CASES.map((data, i) => publishBody(data, i));
    const res = await post(`/api/v1/apps/${appId}/messages/batch`, `{ "messages" : [\n${messages.join(' ,\n')}\n] }`);
    expect(res.status, res.text).toBe(202);
    const results = JSON.parse(res.text).data as Published[];
    expect(results).toHaveLength(CASES.length);
    for (const [i, data] of CASES.entries()) {
      expect(res.text).toContain(`"data":${data},`);
      await expectDelivered(results[i]!, data);
    }
  });

  it.skipIf(skip)('idempotent repeat: the first text is kept, shown and sent', async () => {
    const first = '{"amount":1.0,"id":1234567890123456789}';
    const repeat = '{"amount":1.00,"id":1234567890123456788}';
    const key = `order-${storeName}`;
    const msg = await publish(first, 0, `,"idempotencyKey":"${key}"`);
    const again = await publish(repeat, 1, `,"idempotencyKey":"${key}"`);
    expect(again.id).toBe(msg.id);
    expect(again.text).toContain('"duplicate":true');
    expect(again.text).toContain(`"data":${first},`);
    // The same through the Idempotency-Key header.
    const viaHeader = await publish('1.0', 0, '', { 'idempotency-key': `header-${storeName}` });
    const viaHeaderAgain = await publish('1', 0, '', { 'idempotency-key': `header-${storeName}` });
    expect(viaHeaderAgain.text).toContain('"data":1.0,');
    await expectDelivered(msg, first);
    await expectDelivered(viaHeader, '1.0');
  });

  it.skipIf(skip)('resend: the same bytes again, signed', async () => {
    const data = CASES[0]!;
    const msg = await publish(data, 0);
    await expectDelivered(msg, data);
    for (const format of ['raw', 'standard'] as const) {
      const res = await post(`/api/v1/apps/${appId}/messages/${msg.id}/endpoints/${endpoints[format]!.id}/resend`, '');
      expect(res.status, res.text).toBe(202);
    }
    await expectDelivered(msg, data, ['raw', 'standard'], 2);
  });

  it.skipIf(skip)('recover: failed deliveries are resent with the same bytes', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'exact recover' })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/flaky`, payloadFormat: 'raw', retrySchedule: ['PT0.05S'] })).body;
    const since = new Date(Date.now() - 1000).toISOString();
    const data = CASES[5]!;
    const res = await post(`/api/v1/apps/${app.id}/messages`, publishBody(data, 1));
    expect(res.status, res.text).toBe(202);
    const msgId = JSON.parse(res.text).id as string;
    // The delivery fails for good: a first attempt and its one retry.
    await eventually(async () => {
      const attempts = (await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msgId}/attempts`)).body.data as unknown[];
      return attempts.length === 2;
    });
    outage = false;
    const started = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/recover`, { since });
    expect(started.status).toBe(202);
    const got = await eventually(() => {
      const r = requestsFor(msgId, '/flaky');
      return r.length >= 3 ? r : null;
    });
    for (const req of got) {
      expect(req.body).toBe(data);
      expect(() => new Webhook(ep.secret).verify(req.body, req.headers)).not.toThrow();
    }
  });
});
