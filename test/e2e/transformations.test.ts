import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Endpoint transformations (docs/transformations.md), end to end on both stores with a real
// receiver: what the handler makes of a request is what arrives, signed over the bytes sent; a
// cancel settles as `cancelled` without a request; failing and hostile code fails its attempt
// (and is retried) while Herald keeps delivering.

warnIfNoPostgres('transformations on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** The Standard Webhooks recipe, written out with node:crypto: HMAC-SHA256 of `{id}.{ts}.{body}`. */
function verifiesStandard(secret: string, req: ReceivedRequest): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`).digest();
  return req.headers['webhook-signature']!.split(' ').some((v) => {
    const given = Buffer.from(v.replace(/^v1,/, ''), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe.each(stores)('transformations ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let base: string;

  beforeAll(async () => {
    schema = pg ? testSchema('transformations') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    receiver = await startReceiver();
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Acme' })).body;
    base = `/api/v1/apps/${app.id}`;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  const endpoint = async (path: string, transformation: string, extra: object = {}) => {
    const res = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}${path}`, transformation, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string; transformation: string | null };
  };
  const publish = async (data: unknown, eventType = 'order.paid') => {
    const res = await herald.api('POST', `${base}/messages`, { eventType, data });
    expect(res.status).toBe(202);
    return res.body as { id: string };
  };
  const arrivedFor = (msgId: string) => receiver.requests.filter((r) => r.headers['webhook-id'] === msgId);
  const attemptsOf = async (endpointId: string) => (await herald.api('GET', `${base}/endpoints/${endpointId}/attempts`)).body.data as any[];
  const messageState = async (msgId: string) => (await herald.api('GET', `${base}/messages/${msgId}`)).body.delivery;

  it('sends what the handler made of the request, signed over the transformed bytes', async () => {
    const ep = await endpoint('/hooks?from=herald', `
      function handler(webhook) {
        webhook.method = 'PUT';
        webhook.url = webhook.url.replace('/hooks?from=herald', '/orders/' + webhook.payload.data.id + '?v=2');
        webhook.headers['X-Order-Total'] = String(webhook.payload.data.total);
        webhook.payload = { kind: webhook.eventType, order: webhook.payload.data.id, cents: webhook.payload.data.total * 100 };
        return webhook;
      }`);
    expect(ep.transformation).toContain('function handler');
    const msg = await publish({ id: 'ord_7', total: 12.5 });
    const [req] = await eventually(async () => arrivedFor(msg.id).length === 1 && arrivedFor(msg.id));
    expect(req!.method).toBe('PUT');
    expect(req!.url).toBe('/orders/ord_7?v=2');
    expect(req!.headers['x-order-total']).toBe('12.5');
    expect(JSON.parse(req!.body)).toEqual({ kind: 'order.paid', order: 'ord_7', cents: 1250 });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(verifiesStandard(ep.secret, req!)).toBe(true);
    // The same signature over the untransformed body would not verify: it covers what was sent.
    expect(verifiesStandard(ep.secret, { ...req!, body: `{"type":"order.paid"}` })).toBe(false);
    const attempt = await eventually(async () => (await attemptsOf(ep.id)).find((a) => a.msgId === msg.id && a.status === 'success'));
    expect(attempt.request.method).toBe('PUT');
    expect(attempt.request.body).toBe(req!.body);
  });

  it('signs transformed bodies with the other schemes too (hmac-sha256)', async () => {
    const ep = await endpoint('/pf', `function handler(w) { w.payload = { wrapped: w.payload.data }; return w; }`, {
      signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' }, secret: 'pf_secret_value',
    });
    const msg = await publish({ n: 1 });
    const [req] = await eventually(async () => arrivedFor(msg.id).filter((r) => r.url === '/pf').length === 1 && arrivedFor(msg.id).filter((r) => r.url === '/pf'));
    expect(req!.body).toBe('{"wrapped":{"n":1}}');
    expect(req!.headers['x-peopleforce-signature']).toBe(`sha256=${createHmac('sha256', 'pf_secret_value').update(req!.body).digest('hex')}`);
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('keeps the published bytes when the handler leaves the payload alone', async () => {
    const ep = await endpoint('/raw', `function handler(w) { w.headers['x-seen'] = 'yes'; return w; }`, { payloadFormat: 'raw' });
    const res = await fetch(`${herald.url}${base}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' },
      body: '{"eventType":"order.paid","data":{"big":12345678901234567890,"f":1.0}}',
    });
    const msg = (await res.json()) as { id: string };
    const [req] = await eventually(async () => arrivedFor(msg.id).filter((r) => r.url === '/raw').length === 1 && arrivedFor(msg.id).filter((r) => r.url === '/raw'));
    expect(req!.body).toBe('{"big":12345678901234567890,"f":1.0}');
    expect(req!.headers['x-seen']).toBe('yes');
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('cancel: true settles the delivery as cancelled, sends nothing and is not a failure', async () => {
    const ep = await endpoint('/cancel', `function handler(w) { if (w.payload.data.skip) w.cancel = true; return w; }`);
    const skipped = await publish({ skip: true });
    const sent = await publish({ skip: false });
    await eventually(async () => arrivedFor(sent.id).some((r) => r.url === '/cancel'));
    const mine = await eventually(async () => {
      const d = (await messageState(skipped.id)).endpoints.find((e: any) => e.endpointId === ep.id);
      return d?.state === 'cancelled' && d;
    });
    expect(mine).toMatchObject({ state: 'cancelled', attempts: 1, nextAttemptAt: null });
    expect(mine.reason).toMatch(/cancelled by the endpoint's transformation/);
    expect(arrivedFor(skipped.id).filter((r) => r.url === '/cancel')).toEqual([]);
    const attempts = (await attemptsOf(ep.id)).filter((a) => a.msgId === skipped.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'cancelled', responseStatus: null });
    const onlyCancelled = (await herald.api('GET', `${base}/endpoints/${ep.id}/attempts?status=cancelled`)).body.data;
    expect(onlyCancelled.map((a: any) => a.msgId)).toEqual([skipped.id]);
    const endpointNow = (await herald.api('GET', `${base}/endpoints/${ep.id}`)).body;
    expect(endpointNow.disabled).toBe(false);
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('a handler that throws fails the attempt with its error and line, and the delivery is retried', async () => {
    const ep = await endpoint('/throws', `function handler(w) {\n  if (!w.payload.data.ok) throw new TypeError('no ok flag');\n  return w;\n}`);
    const msg = await publish({ ok: false });
    const attempts = await eventually(async () => {
      const list = (await attemptsOf(ep.id)).filter((a) => a.msgId === msg.id);
      return list.length >= 2 && list;
    });
    expect(attempts[0].status).toBe('failed');
    expect(attempts[0].error).toMatch(/transformation failed: TypeError: no ok flag \(line 2, column \d+\)/);
    expect(attempts[0].reason).toMatch(/transformation failed/);
    // The request it was given, kept for the log; nothing reached the receiver.
    expect(attempts[0].request.body).toContain('"ok":false');
    expect(arrivedFor(msg.id).filter((r) => r.url === '/throws')).toEqual([]);
    const state = await messageState(msg.id);
    expect(['failing', 'exhausted']).toContain(state.endpoints.find((e: any) => e.endpointId === ep.id).state);
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('gives each call a fresh context, the attempt time as the clock, and no randomness', async () => {
    const ep = await endpoint('/clock', `
      globalThis.calls = (globalThis.calls || 0) + 1;
      function handler(w) {
        w.headers['x-calls'] = String(globalThis.calls);
        w.headers['x-now'] = String(Date.now());
        w.headers['x-new-date'] = String(new Date().getTime());
        w.headers['x-via-constructor'] = String(new (new Date(0).constructor)().getTime());
        let random = 'available';
        try { Math.random(); } catch (e) { random = 'refused'; }
        w.headers['x-random'] = random;
        return w;
      }`);
    const first = await publish({ n: 1 });
    const second = await publish({ n: 2 });
    const reqs = await eventually(async () => {
      const list = [...arrivedFor(first.id), ...arrivedFor(second.id)].filter((r) => r.url === '/clock');
      return list.length === 2 && list;
    });
    for (const req of reqs) {
      expect(req.headers['x-calls']).toBe('1');
      const now = Number(req.headers['x-now']);
      expect(Math.floor(now / 1000)).toBe(Number(req.headers['webhook-timestamp']));
      expect(req.headers['x-new-date']).toBe(req.headers['x-now']);
      expect(req.headers['x-via-constructor']).toBe(req.headers['x-now']);
      expect(req.headers['x-random']).toBe('refused');
    }
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('refuses a change of origin or of a header Herald owns, as a failed attempt', async () => {
    const origin = await endpoint('/origin', `function handler(w) { w.url = 'http://169.254.169.254/latest/meta-data'; return w; }`);
    const header = await endpoint('/header', `function handler(w) { w.headers['webhook-signature'] = 'v1,forged'; return w; }`);
    const msg = await publish({ n: 3 });
    const [o, h] = await eventually(async () => {
      const a = (await attemptsOf(origin.id)).find((x) => x.msgId === msg.id);
      const b = (await attemptsOf(header.id)).find((x) => x.msgId === msg.id);
      return a && b && [a, b];
    });
    expect(o.status).toBe('failed');
    expect(o.error).toMatch(/webhook\.url may change only the path and query: keep http:\/\/127\.0\.0\.1:\d+/);
    expect(h.error).toMatch(/webhook\.headers\["webhook-signature"\] is set by Herald/);
    expect(arrivedFor(msg.id).filter((r) => r.url === '/origin' || r.url === '/header')).toEqual([]);
    await herald.api('DELETE', `${base}/endpoints/${origin.id}`);
    await herald.api('DELETE', `${base}/endpoints/${header.id}`);
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['an infinite loop', 'function handler(w) { while (true) {} }', /ran longer than its 50 ms time limit/],
    ['memory exhaustion', 'function handler(w) { const a = []; for (;;) a.push({ w, pad: [1, 2, 3, 4, 5, 6, 7, 8] }); }', /(memory limit|time limit)/],
    ['deep recursion', 'function handler(w) { return handler({ w }); }', /ran out of stack/],
    ['process', 'function handler(w) { return process.env; }', /ReferenceError: process is not defined|'process' is not defined/],
    ['require', "function handler(w) { require('child_process').execSync('id'); return w; }", /ReferenceError: .*require/],
    ['a dynamic import', "function handler(w) { return import('node:fs'); }", /promises are not supported|module|import/],
    ['globalThis tricks', "function handler(w) { const p = globalThis.constructor.constructor('return this.process')(); return p.mainModule.require('fs'); }", /TypeError/],
    ['an async handler', 'async function handler(w) { return w; }', /async handlers and promises are not supported/],
  ];

  it.each(hostile)('%s fails its attempt cleanly; Herald keeps delivering', async (_name, source, error) => {
    const bad = await endpoint('/hostile', source);
    const good = await endpoint('/good', 'function handler(w) { w.headers["x-good"] = "1"; return w; }');
    const msg = await publish({ n: 4 });
    const attempt = await eventually(async () => (await attemptsOf(bad.id)).find((a) => a.msgId === msg.id), 15_000);
    expect(attempt.status).toBe('failed');
    expect(attempt.error).toMatch(/^request not sent: transformation failed: /);
    expect(attempt.error).toMatch(error);
    expect(arrivedFor(msg.id).filter((r) => r.url === '/hostile')).toEqual([]);
    // Herald is fine: it answers, and the next message reaches a healthy endpoint.
    expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
    const next = await publish({ n: 5 });
    await eventually(async () => arrivedFor(next.id).some((r) => r.url === '/good' && r.headers['x-good'] === '1'));
    await herald.api('DELETE', `${base}/endpoints/${bad.id}`);
    await herald.api('DELETE', `${base}/endpoints/${good.id}`);
  });

  it('runs a transformation against an example without sending anything (…/transformation/test)', async () => {
    const ep = await endpoint('/try', 'function handler(w) { return w; }');
    const before = receiver.requests.length;
    const path = `${base}/endpoints/${ep.id}/transformation/test`;
    const tried = await herald.api('POST', path, {
      transformation: "function handler(w) { w.url += '?tried=1'; w.payload = { total: w.payload.data.total }; return w; }",
      eventType: 'order.paid', data: { total: 3 },
    });
    expect(tried.status).toBe(200);
    expect(tried.body.outcome).toBe('sent');
    expect(JSON.parse(tried.body.before.body)).toMatchObject({ type: 'order.paid', data: { total: 3 } });
    expect(tried.body.after).toMatchObject({ method: 'POST', url: `${receiver.url}/try?tried=1`, body: '{"total":3}' });
    const signed = { method: 'POST', url: '/try', at: 0, headers: tried.body.after.headers, body: tried.body.after.body };
    expect(verifiesStandard(ep.secret, signed)).toBe(true);

    const cancelled = await herald.api('POST', path, { transformation: 'function handler(w) { w.cancel = true; return w; }' });
    expect(cancelled.body).toMatchObject({ outcome: 'cancelled', after: null });
    const failed = await herald.api('POST', path, { transformation: 'function handler(w) { return w.nothing.here; }' });
    expect(failed.body.outcome).toBe('failed');
    expect(failed.body.error).toMatch(/transformation failed: TypeError/);
    const broken = await herald.api('POST', path, { transformation: 'function handler(w) {' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_transformation');
    // The saved code when none is given; nothing reached the receiver.
    expect((await herald.api('POST', path, {})).body.outcome).toBe('sent');
    expect(receiver.requests.length).toBe(before);

    // Portal links: trying code is writing it (endpoints:write).
    const app = base.split('/').pop();
    const readOnly = (await herald.api('POST', `/api/v1/apps/${app}/portal-link`, { capabilities: ['endpoints:read'] })).body.token;
    const refused = await fetch(`${herald.url}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(refused.status).toBe(403);
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('checks a transformation when it is saved: syntax, handler, size; "" or null removes it', async () => {
    const bad = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}/x`, transformation: 'function handler(w) {\n  return w +;\n}' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_transformation');
    expect(bad.body.message).toMatch(/SyntaxError/);
    expect(bad.body.line).toBe(2);
    const none = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}/x`, transformation: 'const x = 1;' });
    expect(none.body).toMatchObject({ code: 'invalid_transformation' });
    expect(none.body.message).toMatch(/must define function handler/);
    const long = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}/x`, transformation: `function handler(w) { return w; }\n//${'x'.repeat(40_000)}` });
    expect(long.body).toMatchObject({ code: 'invalid_transformation' });
    expect(long.body.message).toMatch(/more than the 32768 allowed/);
    const loops = await herald.api('POST', `${base}/endpoints`, { url: `${receiver.url}/x`, transformation: 'while (true) {}\nfunction handler(w) { return w; }' });
    expect(loops.body.message).toMatch(/time limit/);

    const ep = await endpoint('/x', 'function handler(w) { return w; }');
    const cleared = await herald.api('PATCH', `${base}/endpoints/${ep.id}`, { transformation: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.transformation).toBeNull();
    const set = await herald.api('PATCH', `${base}/endpoints/${ep.id}`, { transformation: 'function handler(w) { return w; }' });
    expect(set.body.transformation).toBe('function handler(w) { return w; }');
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).body.transformation).toBe('function handler(w) { return w; }');
    await herald.api('DELETE', `${base}/endpoints/${ep.id}`);
  });

  it('comes from a config file too: applied, unchanged on a restart, refused at start when it does not compile', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-trf-config-'));
    const configFile = join(dataDir, 'herald.config.json');
    const declare = (transformation: string) => writeFileSync(configFile, JSON.stringify({
      apps: [{ uid: 'cfg', name: 'Config', endpoints: [{ uid: 'main', url: `${receiver.url}/cfg`, transformation }] }],
    }));
    const cfgSchema = pg ? testSchema('transformations-config') : null;
    const options = { dataDir, configFile, ...(cfgSchema ? { database: cfgSchema.url } : {}) };
    declare("function handler(w) { w.headers['x-from-file'] = 'yes'; return w; }");
    let cfg = await startTestHerald(options);
    try {
      const ep = (await cfg.api('GET', '/api/v1/apps/cfg/endpoints')).body.data[0];
      expect(ep.transformation).toContain('x-from-file');
      const msg = (await cfg.api('POST', '/api/v1/apps/cfg/messages', { eventType: 'order.paid', data: { n: 1 } })).body;
      await eventually(async () => arrivedFor(msg.id).some((r) => r.url === '/cfg' && r.headers['x-from-file'] === 'yes'));
      await cfg.stop();
      cfg = await startTestHerald(options);
      expect((await cfg.api('GET', `/api/v1/apps/cfg/endpoints/${ep.id}`)).body.updatedAt).toBe(ep.updatedAt);
      await cfg.stop();
      declare('function handler(w) { return w +; }');
      await expect(startTestHerald(options)).rejects.toThrow(/transformation: SyntaxError/);
    } finally {
      await cfg.stop().catch(() => undefined);
      await cfgSchema?.drop();
    }
  });
});

// The suite above delivers from a delivery thread (the test default); here on the main thread.
describe('transformations without delivery threads', () => {
  it('transforms on the main thread too', async () => {
    const herald = await startTestHerald({ deliveryThreads: 0 });
    const receiver = await startReceiver();
    try {
      const app = (await herald.api('POST', '/api/v1/apps', { name: 'Main' })).body;
      await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/main`, transformation: "function handler(w) { w.url += '/x'; return w; }" });
      await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'order.paid', data: { n: 1 } });
      await eventually(async () => receiver.requests.some((r) => r.url === '/main/x'));
    } finally {
      await herald.stop();
      await receiver.close();
    }
  });
});
