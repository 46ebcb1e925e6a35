import { afterAll, describe, expect, it } from 'vitest';
import { MessageAttemptTriggerType, StatusCodeClass, Svix } from 'svix';
import { startReceiver, type Reply, type Responder } from '../helpers/receiver.js';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// What Svix's attempt lists and endpoint stats say about each delivery: an attempt's triggerType
// (scheduled or manual), the stats' `sending` (in flight right now), and the status_code_class
// filter. Through the pinned svix SDK and plain HTTP, against a real Herald and receiver, on both stores.

const stores = bothStores('Svix attempt fields on PostgreSQL');

describe.each(stores)('Svix attempt fields ($store)', ({ pg }) => {
  /** Requests to /hold wait here until the test lets them go. */
  const held: Array<() => void> = [];

  const respond: Responder = (req) => {
    if (req.url.startsWith('/hold')) return new Promise<Reply>((resolve) => held.push(() => resolve({ status: 200, body: 'ok' })));
    // /status/404 answers 404, and so on.
    const status = /^\/status\/(\d{3})/.exec(req.url)?.[1];
    return { status: status ? Number(status) : 200, body: 'ok' };
  };
  const env = useSvixHerald('svix-attempt-fields', pg, { respond });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
  });

  it('marks the attempt of a publish as scheduled (0) and the attempt of a resend as manual (1)', async () => {
    const app = await env.svix.application.create({ name: 'Triggers' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/triggers` });
    const msg = await env.svix.message.create(app.id, { eventType: 'trigger.test', payload: { n: 1 } });
    const [scheduled] = await eventually(async () => {
      const list = await env.svix.messageAttempt.listByMsg(app.id, msg.id);
      return list.data.length === 1 ? list.data : null;
    });
    expect(scheduled!.triggerType).toBe(MessageAttemptTriggerType.Scheduled);

    await env.svix.messageAttempt.resend(app.id, msg.id, ep.id);
    const attempts = await eventually(async () => {
      const list = await env.svix.messageAttempt.listByEndpoint(app.id, ep.id);
      return list.data.length === 2 ? list.data : null;
    });
    // Newest first: the resend's attempt, then the publish's.
    expect(attempts.map((a) => a.triggerType)).toEqual([MessageAttemptTriggerType.Manual, MessageAttemptTriggerType.Scheduled]);
    const one = await env.svix.messageAttempt.get(app.id, msg.id, attempts[0]!.id);
    expect(one.triggerType).toBe(MessageAttemptTriggerType.Manual);
  });

  it('counts a delivery in flight as sending in the endpoint stats, and as success once answered', async () => {
    const app = await env.svix.application.create({ name: 'Sending' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/hold` });
    await env.svix.message.create(app.id, { eventType: 'held.test', payload: { n: 1 } });
    await env.receiver.waitFor(env.receiver.requests.filter((r) => r.url.startsWith('/hold')).length + 1);
    // The receiver holds the request: the delivery is claimed and being sent.
    const sending = await eventually(async () => {
      const stats = await env.svix.endpoint.getStats(app.id, ep.id);
      return stats.sending === 1 ? stats : null;
    });
    expect(sending).toEqual({ success: 0, pending: 0, sending: 1, fail: 0, canceled: 0 });
    for (const release of held.splice(0)) release();
    const done = await eventually(async () => {
      const stats = await env.svix.endpoint.getStats(app.id, ep.id);
      return stats.success === 1 ? stats : null;
    });
    expect(done).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 });
  });

  it('filters attempt lists by status_code_class (0: no response at all)', async () => {
    const app = await env.svix.application.create({ name: 'Classes' });
    const ok = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/status/204` });
    const notFound = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/status/404` });
    const broken = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/status/503` });
    // Nothing listens there any more: the attempt gets no response.
    const gone = await startReceiver();
    await gone.close();
    const silent = await env.svix.endpoint.create(app.id, { url: `${gone.url}/nobody` });
    const msg = await env.svix.message.create(app.id, { eventType: 'class.test', payload: { n: 1 } });
    await eventually(async () => (await env.svix.messageAttempt.listByMsg(app.id, msg.id, { limit: 250 })).data.length >= 4);

    // Failed deliveries retry, so a class may list more than one attempt: each of the one endpoint.
    const endpointsOf = async (statusCodeClass: StatusCodeClass) =>
      [...new Set((await env.svix.messageAttempt.listByMsg(app.id, msg.id, { statusCodeClass })).data.map((a) => a.endpointId))];
    expect(await endpointsOf(StatusCodeClass.Code2xx)).toEqual([ok.id]);
    expect(await endpointsOf(StatusCodeClass.Code4xx)).toEqual([notFound.id]);
    expect(await endpointsOf(StatusCodeClass.Code5xx)).toEqual([broken.id]);
    expect(await endpointsOf(StatusCodeClass.CodeNone)).toEqual([silent.id]);
    expect(await endpointsOf(StatusCodeClass.Code3xx)).toEqual([]);
    const byEndpoint = await env.svix.messageAttempt.listByEndpoint(app.id, notFound.id, { statusCodeClass: StatusCodeClass.Code4xx });
    expect(byEndpoint.data.length).toBeGreaterThan(0);
    expect(byEndpoint.data.every((a) => a.responseStatusCode === 404)).toBe(true);
    expect((await env.svix.messageAttempt.listByEndpoint(app.id, notFound.id, { statusCodeClass: StatusCodeClass.Code2xx })).data).toEqual([]);
    // Not one of Svix's classes: 422, as Svix answers.
    const bad = await env.herald.api('GET', `/api/v1/app/${app.id}/attempt/msg/${msg.id}?status_code_class=250`);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'status_code_class']);
  });
});
