import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { callHerald, spawnHerald, type SpawnedHerald } from '../helpers/spawn-herald.js';
import { eventually } from '../helpers/test-herald.js';

// OpenTelemetry (docs/tracing.md): a real Herald process configured only by the standard OTEL_*
// variables exports its spans over OTLP/HTTP to a collector on loopback that decodes them. The
// spans must hang where a trace viewer would put them: the publish and every attempt under the
// publisher's span, and the receiver's traceparent naming the attempt's span as its parent.
// Deliveries go through a delivery thread, the default on two cores.

const TOKEN = 'otel-test-admin-token';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PUBLISHER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PUBLISHER_SPAN}-01`;

const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
warnIfNoPostgres('OpenTelemetry spans on PostgreSQL');

describe.each(stores)('OpenTelemetry spans ($store)', ({ pg }) => {
  let collector: OtlpReceiver;
  let receiver: Receiver;
  let herald: SpawnedHerald;
  let schema: TestSchema | null;
  let dataDir: string;
  let appId: string;
  let endpointId: string;
  const call = (method: string, path: string, body?: unknown) => callHerald(herald.url, TOKEN, method, path, body);

  beforeAll(async () => {
    collector = await startOtlpReceiver();
    // The first attempt of each message fails (503), the second succeeds.
    const seen = new Set<string>();
    receiver = await startReceiver((req) => {
      const id = req.headers['webhook-id']!;
      if (seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 503 };
    });
    schema = pg ? testSchema('otel') : null;
    dataDir = mkdtempSync(join(tmpdir(), 'herald-otel-'));
    herald = await spawnHerald(['serve', '--data-dir', dataDir, ...(schema ? ['--database', schema.url] : [])], {
      HERALD_ADMIN_TOKEN: TOKEN,
      HERALD_ALLOW_PRIVATE_NETWORKS: '1',
      HERALD_RETRY_SCHEDULE: '100ms,100ms',
      HERALD_POLL_INTERVAL: '50ms',
      HERALD_DELIVERY_THREADS: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'herald-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    appId = (await call('POST', '/api/v1/apps', { name: 'Traced' })).body.id;
    endpointId = (await call('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url })).body.id;
  });
  afterAll(async () => {
    herald?.process.kill('SIGTERM');
    await herald?.exited;
    await receiver?.close();
    await collector?.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const spansNamed = (name: string, traceId: string) => collector.spans.filter((s) => s.name === name && s.traceId === traceId);

  it('puts the publish and each attempt under the publisher\'s span, and the receiver under the attempt\'s', async () => {
    const res = await fetch(`${herald.url}/api/v1/apps/${appId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', traceparent: TRACEPARENT, tracestate: 'vendor=1' },
      body: JSON.stringify({ eventType: 'order.paid', data: { total: 42 } }),
    });
    expect(res.status).toBe(202);
    const msgId = ((await res.json()) as { id: string }).id;
    const received = (await receiver.waitFor(2)).filter((r) => r.headers['webhook-id'] === msgId);
    expect(received).toHaveLength(2);

    const [publish] = await eventually(() => spansNamed('herald publish', TRACE_ID).length === 1 && spansNamed('herald publish', TRACE_ID));
    expect(publish).toMatchObject({ parentSpanId: PUBLISHER_SPAN, attributes: { 'herald.app_id': appId, 'herald.event_type': 'order.paid' } });
    expect(publish!.resource['service.name']).toBe('herald-under-test');

    const attempts = await eventually(() => {
      const found = spansNamed('herald deliver', TRACE_ID);
      return found.length === 2 && found.sort((a, b) => Number(a.attributes['herald.attempt']) - Number(b.attributes['herald.attempt']));
    });
    for (const [i, span] of attempts.entries()) {
      // A child of the publisher's span, whose id the receiver got as the parent in its traceparent.
      expect(span.parentSpanId).toBe(PUBLISHER_SPAN);
      expect(received[i]!.headers.traceparent).toBe(`00-${TRACE_ID}-${span.spanId}-01`);
      expect(received[i]!.headers.tracestate).toBe('vendor=1');
      expect(span.attributes).toMatchObject({
        'herald.app_id': appId, 'herald.endpoint_id': endpointId, 'herald.message_id': msgId, 'herald.event_type': 'order.paid',
        'herald.attempt': i + 1, 'http.response.status_code': i === 0 ? 503 : 200, 'herald.outcome': i === 0 ? 'retry' : 'success',
      });
      expect(span.statusCode).toBe(i === 0 ? 2 : 0);
      expect(span.endMs).toBeGreaterThanOrEqual(span.startMs);
    }
    expect(attempts[1]!.startMs).toBeGreaterThanOrEqual(attempts[0]!.endMs);

    // Claims and settles are spans of their own (their batches mix messages of many traces).
    await eventually(() => collector.spans.some((s) => s.name === 'herald claim' && Number(s.attributes['herald.claimed']) >= 1));
    await eventually(() => collector.spans.some((s) => s.name === 'herald settle' && Number(s.attributes['herald.settled']) >= 1));
  });

  it('starts a trace at the publish when the publisher sent none: the attempts are its children', async () => {
    const published = await call('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'member.added', data: { id: 7 } });
    expect(published.status).toBe(202);
    const publish = await eventually(() => collector.spans.find((s: ReceivedSpan) => s.name === 'herald publish' && s.attributes['herald.event_type'] === 'member.added'));
    expect(publish.parentSpanId).toBe('');
    const attempts = await eventually(() => spansNamed('herald deliver', publish.traceId).length === 2 && spansNamed('herald deliver', publish.traceId));
    expect(attempts.every((s) => s.parentSpanId === publish.spanId)).toBe(true);
    const received = receiver.requests.filter((r) => r.headers['webhook-id'] === published.body.id);
    expect(received.map((r) => r.headers.traceparent).sort()).toEqual(attempts.map((s) => `00-${publish.traceId}-${s.spanId}-01`).sort());
  });
});
