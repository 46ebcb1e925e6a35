import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageAttemptTriggerType, StatusCodeClass, Svix } from 'svix';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// What Svix's attempt lists and endpoint stats say about each delivery: an attempt's triggerType
// (scheduled or manual), the stats' `sending` (in flight right now), and the status_code_class
// filter. Through the pinned svix SDK and plain HTTP, against a real Herald and receiver, on both stores.

warnIfNoPostgres('Svix attempt fields on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('Svix attempt fields ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let svix: Svix;
  /** Requests to /hold wait here until the test lets them go. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    schema = pg ? testSchema('svix-attempt-fields') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver((req) => {
      if (req.url.startsWith('/hold')) return new Promise<Reply>((resolve) => held.push(() => resolve({ status: 200, body: 'ok' })));
      // /status/404 answers 404, and so on.
      const status = /^\/status\/(\d{3})/.exec(req.url)?.[1];
      return { status: status ? Number(status) : 200, body: 'ok' };
    });
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('marks the attempt of a publish as scheduled (0) and the attempt of a resend as manual (1)', async () => {
    const app = await svix.application.create({ name: 'Triggers' });
    const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/triggers` });
    const msg = await svix.message.create(app.id, { eventType: 'trigger.test', payload: { n: 1 } });
    const [scheduled] = await eventually(async () => {
      const list = await svix.messageAttempt.listByMsg(app.id, msg.id);
      return list.data.length === 1 ? list.data : null;
    });
    expect(scheduled!.triggerType).toBe(MessageAttemptTriggerType.Scheduled);

    await svix.messageAttempt.resend(app.id, msg.id, ep.id);
    const attempts = await eventually(async () => {
      const list = await svix.messageAttempt.listByEndpoint(app.id, ep.id);
      return list.data.length === 2 ? list.data : null;
    });
    // Newest first: the resend's attempt, then the publish's.
    expect(attempts.map((a) => a.triggerType)).toEqual([MessageAttemptTriggerType.Manual, MessageAttemptTriggerType.Scheduled]);
    const one = await svix.messageAttempt.get(app.id, msg.id, attempts[0]!.id);
    expect(one.triggerType).toBe(MessageAttemptTriggerType.Manual);
  });

  it('counts a delivery in flight as sending in the endpoint stats, and as success once answered', async () => {
    const app = await svix.application.create({ name: 'Sending' });
    const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/hold` });
    await svix.message.create(app.id, { eventType: 'held.test', payload: { n: 1 } });
    await receiver.waitFor(receiver.requests.filter((r) => r.url.startsWith('/hold')).length + 1);
    // The receiver holds the request: the delivery is claimed and being sent.
    const sending = await eventually(async () => {
      const stats = await svix.endpoint.getStats(app.id, ep.id);
      return stats.sending === 1 ? stats : null;
    });
    expect(sending).toEqual({ success: 0, pending: 0, sending: 1, fail: 0, canceled: 0 });
    for (const release of held.splice(0)) release();
    const done = await eventually(async () => {
      const stats = await svix.endpoint.getStats(app.id, ep.id);
      return stats.success === 1 ? stats : null;
    });
    expect(done).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 });
  });

  it('filters attempt lists by status_code_class (0: no response at all)', async () => {
    const app = await svix.application.create({ name: 'Classes' });
    const ok = await svix.endpoint.create(app.id, { url: `${receiver.url}/status/204` });
    const notFound = await svix.endpoint.create(app.id, { url: `${receiver.url}/status/404` });
    const broken = await svix.endpoint.create(app.id, { url: `${receiver.url}/status/503` });
    // Nothing listens there any more: the attempt gets no response.
    const gone = await startReceiver();
    await gone.close();
    const silent = await svix.endpoint.create(app.id, { url: `${gone.url}/nobody` });
    const msg = await svix.message.create(app.id, { eventType: 'class.test', payload: { n: 1 } });
    await eventually(async () => (await svix.messageAttempt.listByMsg(app.id, msg.id, { limit: 250 })).data.length >= 4);

    // Failed deliveries retry, so a class may list more than one attempt: each of the one endpoint.
    const endpointsOf = async (statusCodeClass: StatusCodeClass) =>
      [...new Set((await svix.messageAttempt.listByMsg(app.id, msg.id, { statusCodeClass })).data.map((a) => a.endpointId))];
    expect(await endpointsOf(StatusCodeClass.Code2xx)).toEqual([ok.id]);
    expect(await endpointsOf(StatusCodeClass.Code4xx)).toEqual([notFound.id]);
    expect(await endpointsOf(StatusCodeClass.Code5xx)).toEqual([broken.id]);
    expect(await endpointsOf(StatusCodeClass.CodeNone)).toEqual([silent.id]);
    expect(await endpointsOf(StatusCodeClass.Code3xx)).toEqual([]);
    const byEndpoint = await svix.messageAttempt.listByEndpoint(app.id, notFound.id, { statusCodeClass: StatusCodeClass.Code4xx });
    expect(byEndpoint.data.length).toBeGreaterThan(0);
    expect(byEndpoint.data.every((a) => a.responseStatusCode === 404)).toBe(true);
    expect((await svix.messageAttempt.listByEndpoint(app.id, notFound.id, { statusCodeClass: StatusCodeClass.Code2xx })).data).toEqual([]);
    // Not one of Svix's classes: 422, as Svix answers.
    const bad = await herald.api('GET', `/api/v1/app/${app.id}/attempt/msg/${msg.id}?status_code_class=250`);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'status_code_class']);
  });
});
