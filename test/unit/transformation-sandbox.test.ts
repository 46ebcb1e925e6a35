import { describe, expect, it } from 'vitest';
import { loadSandbox, runInSandbox, TransformationError } from '../../src/delivery/transformation/sandbox.js';
import { transformedRequest, webhookInput } from '../../src/delivery/transformation/transform-request.js';
import type { RenderedRequest } from '../../src/wire/index.js';

// The transformation sandbox (QuickJS in WebAssembly) on its own: hostile code fails one call with
// a TransformationError and the next call works; calls share no state; the clock is the one given;
// and what a handler returns is checked against what a transformation may change.

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const draft: RenderedRequest = {
  method: 'POST',
  url: 'https://receiver.example:8443/hooks?a=1',
  headers: { 'X-Custom': 'keep', 'user-agent': 'Herald/1.0', 'content-type': 'application/json', 'webhook-id': 'msg_1' },
  body: '{"type":"order.paid","data":{"total":1.0,"big":12345678901234567890}}',
};
const sig = { scheme: 'standard-webhooks' } as const;

async function run(source: string, request = draft): Promise<string> {
  const module = await loadSandbox();
  const { input } = webhookInput(request, 'order.paid');
  return runInSandbox(module, { source, inputJson: JSON.stringify(input), now: NOW });
}
async function transform(source: string, request = draft) {
  const module = await loadSandbox();
  const { input, payloadJson } = webhookInput(request, 'order.paid');
  return transformedRequest(runInSandbox(module, { source, inputJson: JSON.stringify(input), now: NOW }), request, payloadJson, sig);
}
const failure = async (source: string) => {
  try {
    await transform(source);
  } catch (err) {
    expect(err).toBeInstanceOf(TransformationError);
    return (err as Error).message;
  }
  throw new Error('expected the transformation to fail');
};

describe('transformation sandbox', () => {
  it('recovers after every kind of hostile call: the next call on the same code works', async () => {
    const hostile = [
      'function handler(w) { if (w.payload.data) for (;;) {} return w; }',
      'function handler(w) { if (w.payload.data) { const a = []; for (;;) a.push([w, w, w]); } return w; }',
      'function handler(w) { if (w.payload.data) { let s = "x"; for (;;) s += s; } return w; }',
      'function handler(w) { return w.payload.data ? handler(w) : w; }',
    ];
    for (let round = 0; round < 3; round++) {
      for (const source of hostile) {
        expect(await failure(source)).toMatch(/time limit|memory limit|out of stack|string too long|out of memory/);
        // The same source (its runtime was thrown away) with data that does not trip it.
        const quiet = { ...draft, body: '{"type":"order.paid","data":null}' };
        expect(JSON.parse(await run(source, quiet)).payload).toEqual({ type: 'order.paid', data: null });
      }
    }
  });

  it('gives every call a fresh context: globals and prototypes changed by one call are gone in the next', async () => {
    const source = `
      globalThis.n = (globalThis.n || 0) + 1;
      function handler(w) {
        const seen = [globalThis.n, typeof Array.prototype.leak];
        Array.prototype.leak = 1;
        w.headers['x-seen'] = JSON.stringify(seen);
        return w;
      }`;
    for (let i = 0; i < 3; i++) expect(JSON.parse(await run(source)).headers['x-seen']).toBe('[1,"undefined"]');
  });

  it('has the attempt time as its clock, dates from arguments as usual, and no randomness or host objects', async () => {
    const out = JSON.parse(await run(`function handler(w) {
      return [Date.now(), new Date().toISOString(), new Date(0).toISOString(), Date.UTC(2000, 0, 1), Date(),
        new Date() instanceof Date, typeof process, typeof require, typeof setTimeout, typeof fetch, typeof std, typeof os,
        (() => { try { return Math.random(); } catch (e) { return e.message; } })()];
    }`));
    expect(out.slice(0, 4)).toEqual([NOW, new Date(NOW).toISOString(), '1970-01-01T00:00:00.000Z', Date.UTC(2000, 0, 1)]);
    expect(out[4]).toMatch(/2030/);
    expect(out.slice(5, 12)).toEqual([true, 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    expect(out[12]).toMatch(/Math\.random is not available/);
  });

  it('keeps the rendered bytes when the payload is unchanged, and sends a string payload as it is', async () => {
    expect((await transform('function handler(w) { return w; }')).request.body).toBe(draft.body);
    expect((await transform('function handler(w) { w.payload = "a=1&b=2"; return w; }')).request.body).toBe('a=1&b=2');
    const get = await transform("function handler(w) { w.method = 'get'; return w; }");
    expect(get.request).toMatchObject({ method: 'GET', body: undefined });
    expect(get.request.headers['content-type']).toBeUndefined();
  });

  it('lets custom headers change and be removed, keeps Herald\'s own', async () => {
    const { request } = await transform("function handler(w) { delete w.headers['X-Custom']; delete w.headers['webhook-id']; w.headers['X-New'] = 'v'; return w; }");
    expect(request.headers).toEqual({ 'X-New': 'v', 'user-agent': 'Herald/1.0', 'webhook-id': 'msg_1', 'content-type': 'application/json' });
  });

  it('refuses what a transformation may not do, in words', async () => {
    expect(await failure("function handler(w) { w.url = 'https://other.example:8443/hooks'; return w; }")).toMatch(/keep https:\/\/receiver\.example:8443/);
    expect(await failure("function handler(w) { w.url = 'http://receiver.example:8443/hooks'; return w; }")).toMatch(/may change only the path and query/);
    expect(await failure("function handler(w) { w.url = 'https://user:pw@receiver.example:8443/x'; return w; }")).toMatch(/may change only the path and query/);
    expect(await failure("function handler(w) { w.method = 'TRACE'; return w; }")).toMatch(/webhook\.method "TRACE" is not one of/);
    expect(await failure("function handler(w) { w.headers['webhook-id'] = 'msg_forged'; return w; }")).toMatch(/is set by Herald/);
    expect(await failure("function handler(w) { w.headers['Content-Length'] = '1'; return w; }")).toMatch(/is set by Herald/);
    expect(await failure("function handler(w) { w.headers['x-a'] = 'a\\r\\nInjected: 1'; return w; }")).toMatch(/no CR, LF/);
    expect(await failure("function handler(w) { w.headers['x-a'] = 5; return w; }")).toMatch(/must be a string/);
    expect(await failure('function handler(w) { delete w.payload; return w; }')).toMatch(/payload is missing/);
    expect(await failure('function handler(w) { return [w]; }')).toMatch(/must return the webhook object/);
    expect(await failure('function handler(w) { }')).toMatch(/must return the webhook object/);
    expect(await failure('const handler = 5;')).toMatch(/must define function handler/);
  });

  it('stays usable after many failing calls in a row (nothing leaks)', async () => {
    for (let i = 0; i < 200; i++) {
      await failure(`function handler(w) { throw new Error('n${i}'); }`);
    }
    expect(JSON.parse(await run('function handler(w) { w.headers.ok = "yes"; return w; }')).headers.ok).toBe('yes');
  });
});
