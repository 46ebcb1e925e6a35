import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Failing endpoints, operational events and request ids, seen from outside: what the operator's
// own endpoint receives, and what the API and the log show.

let herald: TestHerald;
/** The operator's receiver: operational events arrive here as webhooks. */
let ops: Receiver;
let opsAppId: string;

const events = (type?: string) =>
  ops.requests
    .map((r: ReceivedRequest) => JSON.parse(r.body) as { type: string; data: Record<string, any> })
    .filter((e) => type === undefined || e.type === type);

/** A log destination that keeps each JSON line Herald writes, parsed, in `lines`. */
function lineSink(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
}

beforeAll(async () => {
  herald = await startTestHerald({ endpointFailurePeriod: 300, operatorApp: 'herald-ops' });
  ops = await startReceiver();
  // Created after start: Herald looks the operator app up when it first has something to say.
  opsAppId = (await herald.api('POST', '/api/v1/apps', { name: 'Operations', uid: 'herald-ops' })).body.id;
  await herald.api('POST', `/api/v1/apps/${opsAppId}/endpoints`, { url: `${ops.url}/events` });
});
afterAll(async () => {
  await herald.stop();
  await ops.close();
});

async function tenantEndpoint(url: string, extra: Record<string, unknown> = {}) {
  const app = (await herald.api('POST', '/api/v1/apps', { name: 'Tenant' })).body;
  const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url, ...extra })).body;
  return { appId: app.id as string, endpointId: ep.id as string };
}

describe('failing endpoints', () => {
  it('disables an endpoint failing for the whole period, keeps its pending deliveries, and tells the operator', async () => {
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'down' }));
    try {
      // Many quick retries: the delivery is still retrying when the failure period (300 ms) runs out.
      const { appId, endpointId } = await tenantEndpoint(receiver.url, { retrySchedule: Array(20).fill('PT0.05S') });
      const published = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'invoice.paid', data: { n: 1 } });

      const [disabled] = await eventually(() => {
        const found = events('endpoint.disabled').filter((e) => e.data.endpointId === endpointId);
        return found.length > 0 ? found : null;
      });
      expect(disabled!.data).toMatchObject({ appId, endpointId, failingSince: expect.any(String), reason: expect.stringContaining('failing') });
      expect(Date.parse(disabled!.data.failingSince)).toBeLessThan(Date.now());
      expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).body.disabled).toBe(true);

      // Nothing more is sent to it while it is disabled, but its delivery is kept: re-enabled, it arrives.
      const sentWhileFailing = receiver.requests.length;
      healthy = true;
      await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${endpointId}`, { disabled: false });
      await eventually(() => events('endpoint.enabled').some((e) => e.data.endpointId === endpointId));
      await eventually(() => receiver.requests.length > sentWhileFailing);
      expect(JSON.parse(receiver.requests.at(-1)!.body).data).toEqual({ n: 1 });
      await eventually(() => events('message.attempt.recovered').some((e) => e.data.msgId === published.body.id));
    } finally {
      await receiver.close();
    }
  });

  it('warns the operator after the 4th failed attempt of a message', async () => {
    // A Herald that never disables endpoints, so the 4th attempt comes however slow this machine is
    // (with the 300 ms failure period above, a slow machine could disable the endpoint first).
    const patient = await startTestHerald({ endpointFailurePeriod: 0, operatorApp: 'patient-ops' });
    const opsRx = await startReceiver();
    const receiver = await startReceiver(() => ({ status: 500, body: 'down' }));
    try {
      const ops = (await patient.api('POST', '/api/v1/apps', { name: 'Operations', uid: 'patient-ops' })).body;
      await patient.api('POST', `/api/v1/apps/${ops.id}/endpoints`, { url: opsRx.url });
      const app = (await patient.api('POST', '/api/v1/apps', { name: 'Tenant' })).body;
      const ep = (await patient.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: Array(6).fill('PT0.05S') })).body;
      const msg = (await patient.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'invoice.paid', data: { n: 1 } })).body;
      const failing = await eventually(() =>
        opsRx.requests.map((r) => JSON.parse(r.body)).find((e) => e.type === 'message.attempt.failing' && e.data.msgId === msg.id),
      );
      expect(failing.data).toMatchObject({ appId: app.id, endpointId: ep.id, attempt: 4, lastResponseStatus: 500, reason: 'HTTP 500' });
    } finally {
      await patient.stop();
      await Promise.all([opsRx.close(), receiver.close()]);
    }
  });

  it('tells the operator when a 410 Gone disables an endpoint', async () => {
    const receiver = await startReceiver(() => ({ status: 410, body: 'gone' }));
    try {
      const { appId, endpointId } = await tenantEndpoint(receiver.url);
      await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'invoice.paid', data: { n: 1 } });
      const disabled = await eventually(() => events('endpoint.disabled').find((e) => e.data.endpointId === endpointId));
      expect(disabled.data).toMatchObject({ appId, endpointId, lastResponseStatus: 410, reason: expect.stringContaining('410') });
      expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).body.disabled).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('reports exhausted deliveries, never about the operator app itself, and traces attempts to the publish request', async () => {
    // Its own Herald that never disables endpoints: this test keeps two endpoints failing for as
    // long as the machine takes, and with the shared 300 ms failure period a loaded machine disabled
    // them (the background failure sweep included) before the events it waits for were exhausted.
    const lines: Array<Record<string, unknown>> = [];
    const patient = await startTestHerald({ endpointFailurePeriod: 0, operatorApp: 'patient-ops', logLevel: 'debug' }, createLogger('debug', lineSink(lines)));
    const opsRx = await startReceiver();
    const receiver = await startReceiver(() => ({ status: 503 }));
    const opsEvents = (type: string) =>
      opsRx.requests.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> }).filter((e) => e.type === type);
    try {
      const opsApp = (await patient.api('POST', '/api/v1/apps', { name: 'Operations', uid: 'patient-ops' })).body;
      await patient.api('POST', `/api/v1/apps/${opsApp.id}/endpoints`, { url: `${opsRx.url}/events` });
      const app = (await patient.api('POST', '/api/v1/apps', { name: 'Tenant' })).body;
      const ep = (await patient.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT0.05S'] })).body;
      // An operator endpoint that fails too: its failures must not become events delivered to itself.
      const broken = (await patient.api('POST', `/api/v1/apps/${opsApp.id}/endpoints`, { url: `${receiver.url}/ops`, retrySchedule: ['PT0.05S'] })).body;
      const msg = (await patient.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'invoice.paid', data: { n: 2 } })).body;

      const exhausted = await eventually(() => opsEvents('message.attempt.exhausted').find((e) => e.data.msgId === msg.id));
      expect(exhausted.data).toMatchObject({ appId: app.id, endpointId: ep.id, attempt: 2, lastResponseStatus: 503, reason: 'HTTP 503' });

      // Positive control: the broken operator endpoint has itself given up on that event (its two
      // attempts are recorded), which is when an event about it would be published…
      const eventMsgId = opsRx.requests.find((r) => r.body.includes(msg.id))!.headers['webhook-id']!;
      await eventually(async () => {
        const res = await patient.api('GET', `/api/v1/apps/${opsApp.id}/messages/${eventMsgId}/attempts`);
        return res.body.data.filter((x: any) => x.endpointId === broken.id).length === 2;
      });
      // …and a later event (a sentinel, exhausted after that) has been published and delivered since.
      const sentinel = (await patient.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'invoice.paid', data: { n: 'sentinel' } })).body;
      await eventually(() => opsEvents('message.attempt.exhausted').some((e) => e.data.msgId === sentinel.id));
      await patient.api('DELETE', `/api/v1/apps/${opsApp.id}/endpoints/${broken.id}`);
      // Only now: no event about the operator app itself was published into it, nor delivered.
      const published = (await patient.api('GET', `/api/v1/apps/${opsApp.id}/messages?limit=250`)).body.data as Array<{ data: { appId: string } }>;
      expect(published.length).toBeGreaterThanOrEqual(2);
      expect(published.filter((m) => m.data.appId === opsApp.id)).toEqual([]);
      expect(opsRx.requests.map((r) => JSON.parse(r.body)).filter((e) => e.data.appId === opsApp.id)).toEqual([]);

      // Both attempts carry the id of the API request that published the message, and so does the log.
      const attempts = (await patient.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`)).body.data;
      expect(attempts).toHaveLength(2);
      const requestId = attempts[0].requestId as string;
      expect(requestId).toMatch(/^req_/);
      expect(attempts[1].requestId).toBe(requestId);
      const logged = lines.filter((l) => l.msg === 'delivery attempt' && l.msgId === msg.id);
      expect(logged.map((l) => l.requestId)).toEqual([requestId, requestId]);
    } finally {
      await patient.stop();
      await Promise.all([opsRx.close(), receiver.close()]);
    }
  });
});
