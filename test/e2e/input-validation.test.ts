import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';

// Validation at the door (issue 13): what can never be sent is refused when it is configured, with
// 400 validation_error naming the field, instead of being stored and failing every attempt; a page
// cursor that did not come from the list answers 400 instead of a 500 or a silently wrong page; and a
// retry schedule takes the same `5s, 5m, 2h` forms as the --retry-schedule flag.

warnIfNoPostgres('input validation on PostgreSQL');
const stores: Array<[string, () => TestSchema | null]> = [
  ['SQLite', () => null],
  ...(TEST_PG_URL ? [['PostgreSQL', () => testSchema('input-validation')] as [string, () => TestSchema]] : []),
];

interface Answer { status: number; body: any }

function expect400(res: Answer, field: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.code).toBe('validation_error');
  if (typeof field === 'string') expect(res.body.message).toContain(field);
  else expect(res.body.message).toMatch(field);
}

/** Header names and values no HTTP request can carry; each must be refused, naming the header. */
const BAD_HEADERS: Array<[Record<string, string>, string]> = [
  [{ 'x-a': 'b\r\nX-Injected: 1' }, 'headers["x-a"]'],
  [{ 'x-a': 'b\nc' }, 'headers["x-a"]'],
  [{ 'x-a': 'b\u0000c' }, 'headers["x-a"]'],
  [{ 'x-a': 'b\u0007c' }, 'headers["x-a"]'],
  [{ 'x-a': 'euro €' }, 'headers["x-a"]'],
  [{ 'x-a': ' padded' }, 'headers["x-a"]'],
  [{ 'x-a': 'padded\t' }, 'headers["x-a"]'],
  [{ 'x a': 'b' }, 'headers["x a"]'],
  [{ '': 'b' }, 'headers[""]'],
  [{ 'x\u0000a': 'b' }, 'headers["x\\u0000a"]'],
  [{ 'x:a': 'b' }, 'headers["x:a"]'],
  [{ 'x-é': 'b' }, 'headers["x-é"]'],
  [{ 'x-a': 'ok', 'Content-Type': 'text/plain' }, 'headers["Content-Type"]'],
  [{ 'webhook-signature': 'v1,forged' }, 'headers["webhook-signature"]'],
];

describe.each(stores)('input validation (%s)', (_name, makeSchema) => {
  let herald: TestHerald;
  let receiver: Receiver;
  let schema: TestSchema | null;
  let appId: string;
  let endpointId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    schema = makeSchema();
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'validation' })).body.id;
    const created = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url });
    expect(created.status).toBe(201);
    endpointId = created.body.id;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  describe('endpoint headers', () => {
    it('refuses header names and values that cannot be sent, on create and on PATCH, naming the header', async () => {
      for (const [headers, field] of BAD_HEADERS) {
        expect400(await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, headers }), field);
        expect400(await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${endpointId}`, { headers }), field);
      }
      // Nothing was stored: the endpoint list still holds only the one endpoint, without headers.
      const list = await herald.api('GET', `/api/v1/apps/${appId}/endpoints`);
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0].headers).toEqual({});
    });

    it('accepts what HTTP allows (inner tab, Latin-1 text, every tchar in a name) and delivers it as stored', async () => {
      const headers = { "x-Tenant_1.!#$%&'*+^`|~": 'a\tb c', 'x-latin': 'café' };
      const created = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, {
        url: `${receiver.url}/ok`, headers, eventTypes: ['headers.ok'],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.headers).toEqual(headers);
      expect((await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'headers.ok', data: {} })).status).toBe(202);
      const got = await eventually(() => receiver.requests.find((r) => r.url === '/ok'));
      expect(got.headers["x-tenant_1.!#$%&'*+^`|~"]).toBe('a\tb c');
      expect(got.headers['x-latin']).toBe('café');
      expect((await herald.api('DELETE', `/api/v1/apps/${appId}/endpoints/${created.body.id}`)).status).toBe(204);
    });

    it('refuses query parameters that cannot be URL-encoded (lone surrogates), naming the parameter', async () => {
      // Sent as raw JSON text: JSON.stringify would turn a lone surrogate into its \u escape anyway.
      const raw = (query: string) => fetch(`${herald.url}/api/v1/apps/${appId}/endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' },
        body: `{"url":"${receiver.url}","query":${query}}`,
      }).then(async (r): Promise<Answer> => ({ status: r.status, body: await r.json() }));
      expect400(await raw('{"k":"\\ud800"}'), 'query["k"]');
      expect400(await raw('{"\\udc00":"v"}'), 'query[');
      // Anything else is URL-encoded on the way out, so it is fine: spaces, '&', '=', non-ASCII.
      const ok = await raw('{"a b&c":"x=y é €"}');
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect((await herald.api('DELETE', `/api/v1/apps/${appId}/endpoints/${ok.body.id}`)).status).toBe(204);
    });
  });

  describe('page cursors', () => {
    const garbage = ['garbage', 'zzzz', '0', 'app_', 'msg_01ARZ3NDEKTSV4RRFFQ69G5FA', 'msg_01ARZ3NDEKTSV4RRFFQ69G5FAVX', 'a\u0000b', "' OR 1=1 --", '%ff'];

    it('answers a cursor that did not come from the list with 400 validation_error, on every list route', async () => {
      const msg = (await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'cursor.test', data: {} })).body;
      const routes = [
        '/api/v1/apps',
        `/api/v1/apps/${appId}/endpoints`,
        `/api/v1/apps/${appId}/messages`,
        `/api/v1/apps/${appId}/messages/${msg.id}/attempts`,
        `/api/v1/apps/${appId}/endpoints/${endpointId}/attempts`,
        `/api/v1/apps/${appId}/entities/order/1/messages`,
        `/api/v1/apps/${appId}/tokens`,
      ];
      for (const route of routes) {
        for (const iterator of garbage) {
          const res = await herald.api('GET', `${route}?iterator=${encodeURIComponent(iterator)}`);
          expect400(res, /iterator/);
          expect(res.body.message, route).toMatch(/previous page|leave it out/);
        }
        // An id of another kind is no cursor for this list either (a message id on the endpoint list).
        const foreign = route === `/api/v1/apps/${appId}/messages` || route.includes('/entities/') ? endpointId : msg.id;
        expect400(await herald.api('GET', `${route}?iterator=${foreign}`), /iterator/);
      }
      // Event types are listed by name, so any valid event type name is a cursor; others are not.
      expect((await herald.api('GET', '/api/v1/event-types?iterator=order.created')).status).toBe(200);
      expect400(await herald.api('GET', `/api/v1/event-types?iterator=${encodeURIComponent('a b')}`), /iterator/);
      expect400(await herald.api('GET', `/api/v1/event-types?iterator=${encodeURIComponent('a\u0000b')}`), /iterator/);
    });

    it('still pages through a list with the iterators it hands out', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/p${i}`, disabled: true })).body.id);
      const seen: string[] = [];
      let iterator: string | null = null;
      for (;;) {
        const res: Answer = await herald.api('GET', `/api/v1/apps/${appId}/endpoints?limit=1${iterator ? `&iterator=${iterator}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((e: { id: string }) => e.id));
        if (res.body.done) break;
        iterator = res.body.iterator;
      }
      expect(seen).toEqual(expect.arrayContaining([...ids, endpointId]));
      for (const id of ids) await herald.api('DELETE', `/api/v1/apps/${appId}/endpoints/${id}`);
    });
  });

  describe('retrySchedule', () => {
    it('accepts the flag forms (5s, 5m, 2h) and ISO 8601 alike, for apps and endpoints, and answers in ISO 8601', async () => {
      const app = await herald.api('POST', '/api/v1/apps', { name: 'sched', retrySchedule: ['5s', '5m', 'PT30M', '2h', '1d', '1.5s', '250ms'] });
      expect(app.status, JSON.stringify(app.body)).toBe(201);
      expect(app.body.retrySchedule).toEqual(['PT5S', 'PT5M', 'PT30M', 'PT2H', 'P1D', 'PT1.5S', 'PT0.25S']);
      const patched = await herald.api('PATCH', `/api/v1/apps/${app.body.id}`, { retrySchedule: ['10s', 'PT1M'] });
      expect(patched.body.retrySchedule).toEqual(['PT10S', 'PT1M']);

      const ep = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url: receiver.url, retrySchedule: ['5s', '5m', '2h'] });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      expect(ep.body.retrySchedule).toEqual(['PT5S', 'PT5M', 'PT2H']);
      const epPatched = await herald.api('PATCH', `/api/v1/apps/${app.body.id}/endpoints/${ep.body.id}`, { retrySchedule: ['PT1S', '30m'] });
      expect(epPatched.body.retrySchedule).toEqual(['PT1S', 'PT30M']);
    });

    it('refuses what is neither form, naming the step', async () => {
      for (const step of ['5 seconds', '5x', '-5s', 'P', 'soon', '']) {
        expect400(await herald.api('POST', '/api/v1/apps', { name: 'bad', retrySchedule: [step] }), /retrySchedule/);
        expect400(await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${endpointId}`, { retrySchedule: ['5s', step] }), /retrySchedule/);
      }
    });
  });
});

describe('a config file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-validation-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (endpoint: Record<string, unknown>, app: Record<string, unknown> = {}) => {
    const file = join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ apps: [{ uid: 'a', name: 'A', ...app, endpoints: [{ uid: 'e', url: 'http://127.0.0.1:9/', ...endpoint }] }] }));
    return startTestHerald({ dataDir: mkdtempSync(join(dir, 'data-')), configFile: file });
  };

  it('refuses headers that cannot be sent, naming the file field', async () => {
    await expect(start({ headers: { 'x-a': 'b\r\nX-Injected: 1' } })).rejects.toThrow(/apps\[0\]\.endpoints\[0\].*headers\["x-a"\]/);
    await expect(start({ headers: { 'x a': 'b' } })).rejects.toThrow(/apps\[0\]\.endpoints\[0\].*headers\["x a"\]/);
    await expect(start({ headers: { '': 'b' } })).rejects.toThrow(/headers\[""\]/);
  });

  it('takes retrySchedule in the flag forms too', async () => {
    const herald = await start({ retrySchedule: ['5s', '2h'] }, { retrySchedule: ['5m', 'PT1H'] });
    try {
      const app = (await herald.api('GET', '/api/v1/apps/a')).body;
      expect(app.retrySchedule).toEqual(['PT5M', 'PT1H']);
      const ep = (await herald.api('GET', `/api/v1/apps/a/endpoints`)).body.data[0];
      expect(ep.retrySchedule).toEqual(['PT5S', 'PT2H']);
    } finally {
      await herald.stop();
    }
    await expect(start({ retrySchedule: ['5 s'] })).rejects.toThrow(/retrySchedule/);
  });
});
