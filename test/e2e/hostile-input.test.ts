import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/api/json-depth.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Hostile and broken API input, sent over real HTTP as a client would: each gets the right 4xx
// with a `code` a client can act on and a message naming what is wrong, and the process keeps
// serving. (fuzz-api.test.ts covers the same ground at random; these are the cases worth naming.)

let herald: TestHerald;
let receiver: Receiver;
let appId: string;

interface Answer { status: number; body: { code?: string; message?: string; [k: string]: unknown } | null }

/** Sends `body` as given (a string is sent verbatim), as the admin unless `headers` say otherwise. */
async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(herald.url + path, {
    method,
    headers: {
      authorization: `Bearer ${herald.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function expectError(res: Answer, status: number, code: string, message?: RegExp): void {
  expect(res.status, JSON.stringify(res.body)?.slice(0, 500)).toBe(status);
  expect(res.body?.code).toBe(code);
  expect(typeof res.body?.message).toBe('string');
  if (message) expect(res.body!.message).toMatch(message);
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const publish = (data: string) => `{"eventType":"hostile.test","data":${data}}`;

beforeAll(async () => {
  receiver = await startReceiver();
  herald = await startTestHerald({ tokenRateLimit: 0 });
  appId = (await herald.api('POST', '/api/v1/apps', { name: 'hostile' })).body.id;
  expect((await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url })).status).toBe(201);
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

describe('request bodies', () => {
  it('refuses a body over the 1 MiB default limit with 413 payload_too_large', async () => {
    const data = JSON.stringify('x'.repeat(1024 * 1024 + 1));
    expectError(await send('POST', `/api/v1/apps/${appId}/messages`, publish(data)), 413, 'payload_too_large');
    // Just under the limit is fine: the limit is the body size, not a guess about content.
    const fits = JSON.stringify('x'.repeat(1000 * 1000));
    expect((await send('POST', `/api/v1/apps/${appId}/messages`, publish(fits))).status).toBe(202);
  });

  it('honours a configured bodyLimit', async () => {
    const small = await startTestHerald({ bodyLimit: 4096 });
    try {
      const app = (await small.api('POST', '/api/v1/apps', { name: 'small' })).body;
      const big = await small.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: 'x'.repeat(5000) });
      expect(big.status).toBe(413);
      expect(big.body.code).toBe('payload_too_large');
      expect((await small.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: 'x'.repeat(3000) })).status).toBe(202);
    } finally {
      await small.stop();
    }
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    for (const text of ['{', '{"eventType":"a.b","data":}', '{"eventType":"a.b","data":{}} trailing', "{'eventType':'a.b'}", '{"data":NaN}', '\u0000']) {
      expectError(await send('POST', `/api/v1/apps/${appId}/messages`, text), 400, 'invalid_json');
    }
  });

  it('refuses __proto__ and constructor.prototype keys with an error that says so, instead of merging them', async () => {
    const refused = /keys named __proto__ or constructor\.prototype are not accepted/;
    const cases: Array<[string, string, RegExp]> = [
      ['/api/v1/apps', '{"name":"x","__proto__":{"isAdmin":true}}', /^body\.__proto__: /],
      ['/api/v1/apps', '{"name":"x","constructor":{"prototype":{"isAdmin":true}}}', /^body\.constructor\.prototype: /],
      // Written with escapes, it is the same key to JSON.parse.
      ['/api/v1/apps', '{"name":"x","\\u005f_proto__":{"isAdmin":true}}', /^body\.__proto__: /],
      [`/api/v1/apps/${appId}/messages`, '{"eventType":"a.b","data":{},"entity":{"type":"T","id":1,"__proto__":{"isAdmin":true}}}', /^body\.entity\.__proto__: /],
      [`/api/v1/apps/${appId}/messages/batch`, '{"messages":[{"eventType":"a.b","data":1,"__proto__":{}}]}', /^body\.messages\.0\.__proto__: /],
    ];
    for (const [path, body, where] of cases) {
      const res = await send('POST', path, body);
      expectError(res, 400, 'validation_error', refused);
      expect(res.body!.message).toMatch(where);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers wrong types with 400 validation_error naming the field (no coercion)', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/v1/apps', { name: 5 }, /^name must be text/],
      ['POST', `/api/v1/apps/${appId}/messages`, { eventType: 123, data: {} }, /^eventType must be text/],
      ['POST', `/api/v1/apps/${appId}/messages`, { eventType: 'a.b' }, /^data is required/],
      ['POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, disabled: 'true' }, /^disabled must be true or false/],
      ['POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, timeout: 30 }, /^timeout must be text/],
      ['POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, retrySchedule: 'PT1S' }, /^retrySchedule must be a list/],
      ['POST', '/api/v1/apps', [{ name: 'x' }], /^the body must be an object/],
      ['POST', '/api/v1/apps', 'null', /^the body must be an object/],
    ];
    for (const [method, path, body, message] of cases) expectError(await send(method, path, body), 400, 'validation_error', message);
    expectError(await send('GET', '/api/v1/apps?limit=abc'), 400, 'validation_error', /^query parameter limit must be a whole number/);
    expectError(await send('GET', '/api/v1/apps?limit=100000'), 400, 'validation_error', /^query parameter limit must be at most 250/);
  });

  it('refuses unknown fields rather than ignoring them', async () => {
    expectError(await send('POST', '/api/v1/apps', { name: 'x', colour: 'red' }), 400, 'validation_error', /^the body has no field "colour"/);
    expectError(await send('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, retries: 3 }), 400, 'validation_error', /^the body has no field "retries"/);
    expectError(await send('GET', '/api/v1/apps?sort=name'), 400, 'validation_error', /^query parameter sort is not one Herald knows/);
  });

  it('refuses giant strings in bounded fields, and accepts big free-form data', async () => {
    const giant = 'x'.repeat(500_000);
    expectError(await send('POST', '/api/v1/apps', { name: giant }), 400, 'validation_error', /^name must be at most 256 characters long/);
    expectError(await send('POST', `/api/v1/apps/${appId}/messages`, { eventType: giant, data: {} }), 400, 'validation_error', /^eventType /);
    expectError(await send('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/${giant}` }), 400, 'validation_error', /^url /);
    // `data` is the product's own payload: any JSON within the body limit goes through.
    expect((await send('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'a.b', data: { blob: giant } })).status).toBe(202);
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels (10,000 levels of [[[…]]]) with 400, and keeps serving`, async () => {
    expectError(await send('POST', `/api/v1/apps/${appId}/messages`, publish(nested(10_000))), 400, 'validation_error', /nested more than 512 levels/);
    expectError(await send('POST', `/api/v1/apps/${appId}/messages`, publish('{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000))), 400, 'validation_error');
    // The whole 1 MiB of brackets: parsed without overflowing the stack, refused the same way.
    expectError(await send('POST', `/api/v1/apps/${appId}/messages`, publish(nested(500_000))), 400, 'validation_error');
    expectError(await send('POST', '/api/v1/apps', `{"name":"x","uid":${nested(20_000)}}`), 400, 'validation_error');

    // Deep but reasonable nesting is stored, shown and delivered intact.
    const accepted = await send('POST', `/api/v1/apps/${appId}/messages`, publish(nested(MAX_JSON_DEPTH - 2)));
    expect(accepted.status).toBe(202);
    const shown = await send('GET', `/api/v1/apps/${appId}/messages/${accepted.body!.id}`);
    expect(JSON.stringify(shown.body!.data)).toBe(nested(MAX_JSON_DEPTH - 2));
    const delivered = await eventually(() => receiver.requests.find((r) => r.headers['webhook-id'] === accepted.body!.id));
    expect(delivered.body).toContain(nested(MAX_JSON_DEPTH - 2));
  });
});

describe('URLs, ids and headers', () => {
  it('refuses invalid and forbidden endpoint URLs with a code naming the problem', async () => {
    const ep = (url: string) => send('POST', `/api/v1/apps/${appId}/endpoints`, { url });
    expectError(await ep('not a url'), 400, 'invalid_url', /not an absolute URL/);
    expectError(await ep('http://user:secret@127.0.0.1/'), 400, 'invalid_url', /credentials/);
    expectError(await ep('http://'), 400, 'invalid_url');
    expectError(await ep('file:///etc/passwd'), 400, 'destination_blocked', /scheme "file"/);
    expectError(await ep('gopher://127.0.0.1:25/'), 400, 'destination_blocked');
    expectError(await ep('javascript:alert(1)'), 400, 'destination_blocked');
    // Cloud metadata stays blocked even on this server, which allows private networks.
    expectError(await ep('http://169.254.169.254/latest/meta-data/'), 400, 'destination_blocked', /metadata/);
    expectError(await ep('http://[::ffff:169.254.169.254]/'), 400, 'destination_blocked', /metadata/);
    expectError(await ep(''), 400, 'validation_error');
  });

  it('answers unknown, odd and over-long ids with 404 or 400, never more', async () => {
    expectError(await send('GET', '/api/v1/apps/app_00000000000000000000000000'), 404, 'not_found');
    expectError(await send('GET', '/api/v1/apps/%00'), 404, 'not_found');
    expectError(await send('GET', '/api/v1/apps/..%2F..%2Fetc%2Fpasswd'), 404, 'not_found');
    expectError(await send('GET', "/api/v1/apps/'%20OR%201=1--"), 404, 'not_found');
    expectError(await send('GET', `/api/v1/apps/${appId}/endpoints/ep_nope`), 404, 'not_found');
    expectError(await send('GET', `/api/v1/apps/${appId}/messages/${'m'.repeat(65)}`), 400, 'validation_error', /^path parameter msgId /);
    // Longer than any id: refused by the router (400) or matched by no route (404), depending on
    // which routes exist; either way in the API's error shape.
    const long = await send('GET', `/api/v1/apps/${'a'.repeat(2000)}`);
    expect([[400, 'validation_error'], [404, 'not_found']]).toContainEqual([long.status, long.body?.code]);
    expectError(await send('GET', '/api/v1/apps/%E0%A4%A'), 400, 'validation_error', /percent-encoding/);
    expectError(await send('GET', '/api/v1/nothing-here'), 404, 'not_found');
  });

  it('reaches an app by a uid of the longest allowed length (128 characters)', async () => {
    const uid = 'u'.repeat(128);
    expect((await send('POST', '/api/v1/apps', { name: 'long uid', uid })).status).toBe(201);
    const res = await send('GET', `/api/v1/apps/${uid}`);
    expect(res.status).toBe(200);
    expect(res.body!.uid).toBe(uid);
  });

  it('answers a non-JSON content type with 415 unsupported_media_type', async () => {
    const body = '{"name":"x"}';
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expectError(await send('POST', '/api/v1/apps', body, { 'content-type': type }), 415, 'unsupported_media_type');
    }
    // A body with no content type at all is not guessed at either.
    const res = await fetch(`${herald.url}/api/v1/apps`, { method: 'POST', headers: { authorization: `Bearer ${herald.token}` }, body: new Blob([body]) });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported_media_type');
    expect((await send('POST', '/api/v1/apps', body, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
  });

  it('answers missing, malformed and huge tokens with 401 unauthorized', async () => {
    for (const authorization of ['', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer a b', `Bearer ${'x'.repeat(8000)}`, `Bearer ${herald.token}x`]) {
      expectError(await send('GET', '/api/v1/apps', undefined, { authorization }), 401, 'unauthorized');
    }
  });
});

describe('malformed HTTP', () => {
  // Refused by Node's parser before any route runs, yet answered in the API's error shape.
  async function raw(request: string): Promise<{ status: number; body: { code: string; message: string } }> {
    const socket = connect(Number(new URL(herald.url).port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.write(request);
    await once(socket, 'close');
    return { status: Number(text.split(' ')[1]), body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) };
  }

  it('answers a request that is not HTTP with 400 bad_request and closes the connection', async () => {
    const res = await raw('HELLO THERE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
    expect(res.body.message).toContain('HTTP');
  });

  it('answers headers over the size limit with 431 headers_too_large', async () => {
    const res = await raw(`GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.body.code).toBe('headers_too_large');
  });
});

it('is still alive and delivering after all of the above', async () => {
  expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
  const msg = await send('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'after.hostile', data: { ok: true } });
  expect(msg.status).toBe(202);
  await eventually(() => receiver.requests.some((r) => r.headers['webhook-id'] === msg.body!.id));
});
