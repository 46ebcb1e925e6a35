import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// W3C trace context passed through (docs/tracing.md), with OpenTelemetry off: the traceparent and
// tracestate a publish carries are stored with the message, and every attempt sends the receiver a
// traceparent of the same trace with a span id of its own (a child of the publisher's span). An
// endpoint can switch that off. Both stores.

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PUBLISHER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PUBLISHER_SPAN}-01`;
const TRACESTATE = 'vendor=opaque-value,other=1';
const CHILD = new RegExp(`^00-${TRACE_ID}-([0-9a-f]{16})-01$`);

const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
warnIfNoPostgres('trace context on PostgreSQL');

describe.each(stores)('trace context passed through ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null;
  let appId: string;

  beforeAll(async () => {
    schema = pg ? testSchema('trace-context') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Traced' })).body.id;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  async function endpointFor(receiver: Receiver, eventType: string, extra: Record<string, unknown> = {}) {
    const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, eventTypes: [eventType], ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  const publish = (eventType: string, headers: Record<string, string>) =>
    herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType, data: { n: 1 } }, headers);

  it('forwards a child traceparent and the tracestate to the receiver, a new span id per attempt', async () => {
    // Fails twice, then accepts: three attempts of one delivery.
    const receiver = await startReceiver((_req, i) => (i < 2 ? { status: 503 } : { status: 200 }));
    try {
      await endpointFor(receiver, 'order.paid');
      const published = await publish('order.paid', { traceparent: TRACEPARENT, tracestate: TRACESTATE });
      expect(published.status).toBe(202);
      const received = await receiver.waitFor(3);
      const spans = received.map((r) => {
        expect(r.headers.traceparent).toMatch(CHILD);
        expect(r.headers.tracestate).toBe(TRACESTATE);
        return CHILD.exec(r.headers.traceparent!)![1];
      });
      expect(new Set(spans).size).toBe(3);
      expect(spans).not.toContain(PUBLISHER_SPAN);
      // The attempt log records the header each attempt sent.
      const attempts = await eventually(async () => {
        const data = (await herald.api('GET', `/api/v1/apps/${appId}/messages/${published.body.id}/attempts`)).body.data;
        return data.length === 3 && data;
      });
      expect(attempts.map((a: any) => a.request.headers.traceparent).sort()).toEqual(received.map((r) => r.headers.traceparent).sort());
    } finally {
      await receiver.close();
    }
  });

  it('sends no trace headers without a valid traceparent, or to an endpoint that switched forwarding off', async () => {
    const plain = await startReceiver();
    const optedOut = await startReceiver();
    try {
      await endpointFor(plain, 'member.added');
      const off = await endpointFor(optedOut, 'member.added', { forwardTraceContext: false });
      expect(off.forwardTraceContext).toBe(false);

      expect((await publish('member.added', {})).status).toBe(202);
      // Invalid (all-zero trace id): ignored, as the spec says, and the publish still accepted.
      expect((await publish('member.added', { traceparent: `00-${'0'.repeat(32)}-${PUBLISHER_SPAN}-01`, tracestate: TRACESTATE })).status).toBe(202);
      expect((await publish('member.added', { traceparent: TRACEPARENT, tracestate: TRACESTATE })).status).toBe(202);
      const toPlain = await plain.waitFor(3);
      const toOptedOut = await optedOut.waitFor(3);
      const byOrder = (rs: typeof toPlain) => [...rs].sort((a, b) => a.headers['webhook-id']!.localeCompare(b.headers['webhook-id']!));
      expect(byOrder(toPlain).map((r) => r.headers.traceparent)).toEqual([undefined, undefined, expect.stringMatching(CHILD)]);
      expect(byOrder(toPlain).map((r) => r.headers.tracestate)).toEqual([undefined, undefined, TRACESTATE]);
      expect(toOptedOut.every((r) => r.headers.traceparent === undefined && r.headers.tracestate === undefined)).toBe(true);

      // Switched back on through the API: the endpoint forwards again.
      const patched = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${off.id}`, { forwardTraceContext: true });
      expect(patched.body.forwardTraceContext).toBe(true);
      expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${off.id}`)).body.forwardTraceContext).toBe(true);
      expect((await publish('member.added', { traceparent: TRACEPARENT })).status).toBe(202);
      const [, , , fourth] = await optedOut.waitFor(4);
      expect(fourth!.headers.traceparent).toMatch(CHILD);
      expect(fourth!.headers.tracestate).toBeUndefined();
    } finally {
      await plain.close();
      await optedOut.close();
    }
  });

  it('takes the switch from a config file too', async () => {
    const receiver = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-trace-config-'));
    const configFile = join(dataDir, 'herald.config.json');
    writeFileSync(configFile, JSON.stringify({
      apps: [{ uid: 'declared', name: 'Declared', endpoints: [{ uid: 'private', url: receiver.url, forwardTraceContext: false }] }],
    }));
    const ownSchema = pg ? testSchema('trace-config') : null;
    const declared = await startTestHerald({ configFile, ...(ownSchema ? { database: ownSchema.url } : {}) });
    try {
      const [endpoint] = (await declared.api('GET', '/api/v1/apps/declared/endpoints')).body.data;
      expect(endpoint.forwardTraceContext).toBe(false);
      expect((await declared.api('POST', '/api/v1/apps/declared/messages', { eventType: 'x.y', data: {} }, { traceparent: TRACEPARENT })).status).toBe(202);
      const [received] = await receiver.waitFor(1);
      expect(received!.headers.traceparent).toBeUndefined();
    } finally {
      await declared.stop();
      await receiver.close();
      await ownSchema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gives every message of a batch publish the batch request\'s trace context', async () => {
    const receiver = await startReceiver();
    try {
      await endpointFor(receiver, 'invoice.sent');
      const res = await herald.api('POST', `/api/v1/apps/${appId}/messages/batch`, {
        messages: [{ eventType: 'invoice.sent', data: { i: 1 } }, { eventType: 'invoice.sent', data: { i: 2 } }],
      }, { traceparent: TRACEPARENT });
      expect(res.status).toBe(202);
      const received = await receiver.waitFor(2);
      expect(received.map((r) => r.headers.traceparent)).toEqual([expect.stringMatching(CHILD), expect.stringMatching(CHILD)]);
    } finally {
      await receiver.close();
    }
  });
});
