import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix, Webhook, MessageStatus } from 'svix';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { missingRequired, recordingFetch } from '../helpers/svix-sdk-models.js';

// Svix's official JavaScript SDK (the pinned `svix` package, unchanged) as a Herald client, through
// a whole flow against a real Herald and a real receiver, on both stores (issue 20): an app, an
// event type, an endpoint with filterTypes and channels; publish; list messages and attempts;
// resend; rotate the secret; portal access; the delivery verifies with the SDK's own Webhook
// class; a message outside the endpoint's channels (or event types) is not delivered. Every
// answer's fields that the SDK's types mark required are asserted on the JSON Herald sent.

const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
warnIfNoPostgres('the Svix SDK flow on PostgreSQL');

describe.each(stores)('Svix SDK against Herald ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null;
  let receiver: Receiver;
  let svix: Svix;
  let recorded: ReturnType<typeof recordingFetch>;

  beforeAll(async () => {
    schema = pg ? testSchema('svix-sdk') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    receiver = await startReceiver();
    recorded = recordingFetch();
    svix = new Svix(herald.token, { serverUrl: herald.url, fetch: recorded.fetcher });
  });
  afterAll(async () => {
    await receiver?.close();
    await herald?.stop();
    await schema?.drop();
  });

  /** The JSON Herald answered to the SDK's last `method path` call lacks none of `model`'s required fields. */
  const expectComplete = (model: string, method: string, path: string | RegExp) => {
    const body = recorded.last(method, path);
    expect(missingRequired(model, body), `${model} from ${method} ${path}`).toEqual([]);
    return body;
  };
  const expectCompleteList = (model: string, method: string, path: string | RegExp) => {
    const body = expectComplete(`ListResponse${model}`, method, path);
    for (const item of body.data) expect(missingRequired(model, item), `${model} in ${method} ${path}`).toEqual([]);
    return body;
  };

  it('runs the whole flow: create, publish, verify, list, resend, rotate, portal; channels and filter types hold', async () => {
    // 1. An app (by uid afterwards), an event type, and an endpoint with filterTypes and channels.
    const app = await svix.application.create({ name: 'Acme', uid: 'acme' });
    expect(app).toMatchObject({ name: 'Acme', uid: 'acme' });
    expectComplete('ApplicationOut', 'POST', '/api/v1/app');
    const eventType = await svix.eventType.create({ name: 'invoice.paid', description: 'An invoice was paid' });
    expect(eventType.name).toBe('invoice.paid');
    expectComplete('EventTypeOut', 'POST', '/api/v1/event-type');
    const endpoint = await svix.endpoint.create('acme', { url: receiver.url, filterTypes: ['invoice.paid'], channels: ['project-1'] });
    expect(endpoint).toMatchObject({ url: receiver.url, filterTypes: ['invoice.paid'], channels: ['project-1'] });
    expectComplete('EndpointOut', 'POST', `/api/v1/app/acme/endpoint`);
    const { key: secret } = await svix.endpoint.getSecret(app.id, endpoint.id);
    expect(secret).toMatch(/^whsec_/);
    expectComplete('EndpointSecretOut', 'GET', `/api/v1/app/${app.id}/endpoint/${endpoint.id}/secret`);

    // 2. Publish: one message in the endpoint's channel and type, one outside its channels, one of another type.
    const payload = { invoice: 'inv_1', amount: 4200, note: 'ünïcode and 1.0' };
    const message = await svix.message.create(app.id, { eventType: 'invoice.paid', payload, channels: ['project-1', 'ops'], eventId: 'evt-inv-1' });
    expect(message).toMatchObject({ eventType: 'invoice.paid', eventId: 'evt-inv-1', channels: ['project-1', 'ops'] });
    expectComplete('MessageOut', 'POST', `/api/v1/app/${app.id}/msg`);
    const outside = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'inv_2' }, channels: ['project-2'] });
    const otherType = await svix.message.create(app.id, { eventType: 'invoice.voided', payload: { invoice: 'inv_3' }, channels: ['project-1'] });
    const unchannelled = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'inv_4' } });

    // 3. The delivery verifies with the SDK's own Webhook class, and carries the payload as published.
    const [first] = await receiver.waitFor(1);
    expect(first!.headers['webhook-id']).toBe(message.id);
    expect(new Webhook(secret).verify(first!.body, first!.headers)).toEqual(payload);
    // As Svix sends it: the payload itself is the body, byte for byte as the SDK published it.
    expect(first!.body).toBe(JSON.stringify(payload));

    // 4. Lists: by channel, event types, time, with and without content.
    const inChannel = await svix.message.list(app.id, { channel: 'project-1' });
    expect(inChannel.data.map((m) => m.id)).toEqual([otherType.id, message.id]);
    expectCompleteList('MessageOut', 'GET', `/api/v1/app/${app.id}/msg`);
    expect(inChannel.data[1]!.payload).toEqual(payload);
    const voided = await svix.message.list(app.id, { eventTypes: ['invoice.voided'] });
    expect(voided.data.map((m) => m.id)).toEqual([otherType.id]);
    const everything = await svix.message.list(app.id, { limit: 2 });
    expect(everything).toMatchObject({ done: false, data: [{ id: unchannelled.id }, { id: otherType.id }] });
    const rest = await svix.message.list(app.id, { limit: 2, iterator: everything.iterator });
    expect(rest).toMatchObject({ done: true, data: [{ id: outside.id }, { id: message.id }] });
    const before = await svix.message.list(app.id, { before: new Date(Date.parse(message.timestamp.toISOString()) + 1) });
    expect(before.data.map((m) => m.id)).toContain(message.id);
    expect((await svix.message.list(app.id, { after: new Date(Date.now() + 60_000) })).data).toEqual([]);
    const got = await svix.message.get(app.id, message.id);
    expect(got).toMatchObject({ id: message.id, payload, channels: ['project-1', 'ops'], eventId: 'evt-inv-1' });
    expectComplete('MessageOut', 'GET', `/api/v1/app/${app.id}/msg/${message.id}`);
    // {msg_id} also takes the publisher's eventId, as Svix's does.
    expect((await svix.message.get(app.id, 'evt-inv-1')).id).toBe(message.id);

    // 5. Attempts: by message, by endpoint, one attempt.
    const byMsg = await eventually(async () => {
      const list = await svix.messageAttempt.listByMsg(app.id, message.id);
      return list.data.length === 1 && list;
    });
    expectCompleteList('MessageAttemptOut', 'GET', `/api/v1/app/${app.id}/attempt/msg/${message.id}`);
    const attempt = byMsg.data[0]!;
    expect(attempt).toMatchObject({ msgId: message.id, endpointId: endpoint.id, status: MessageStatus.Success, responseStatusCode: 200, url: receiver.url });
    expect(attempt.id).toMatch(/^atmpt_/);
    const byEndpoint = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id, { withMsg: true });
    expectCompleteList('MessageAttemptOut', 'GET', `/api/v1/app/${app.id}/attempt/endpoint/${endpoint.id}`);
    expect(byEndpoint.data.map((a) => a.id)).toEqual([attempt.id]);
    expect((await svix.messageAttempt.listByMsg(app.id, 'evt-inv-1')).data.map((a) => a.id)).toEqual([attempt.id]);
    expect(byEndpoint.data[0]!.msg).toMatchObject({ id: message.id, eventType: 'invoice.paid' });
    expect((await svix.messageAttempt.listByEndpoint(app.id, endpoint.id, { status: MessageStatus.Fail })).data).toEqual([]);
    const one = await svix.messageAttempt.get(app.id, message.id, attempt.id);
    expect(one).toMatchObject({ id: attempt.id, msgId: message.id, status: MessageStatus.Success });
    expectComplete('MessageAttemptOut', 'GET', `/api/v1/app/${app.id}/msg/${message.id}/attempt/${attempt.id}`);

    // 6. Resend: the same message (same webhook-id) arrives again.
    await svix.messageAttempt.resend(app.id, message.id, endpoint.id);
    const [, again] = await receiver.waitFor(2);
    expect(again!.headers['webhook-id']).toBe(message.id);
    expect(new Webhook(secret).verify(again!.body, again!.headers)).toEqual(payload);

    // 7. Rotate the secret: the next delivery verifies with the new one.
    await svix.endpoint.rotateSecret(app.id, endpoint.id, {});
    const { key: rotated } = await svix.endpoint.getSecret(app.id, endpoint.id);
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    const later = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'inv_5' }, channels: ['project-1'] });
    const [, , third] = await receiver.waitFor(3);
    expect(third!.headers['webhook-id']).toBe(later.id);
    expect(new Webhook(rotated).verify(third!.body, third!.headers)).toEqual({ invoice: 'inv_5' });

    // 8. Portal access: a link to Herald's portal that opens.
    const portal = await svix.authentication.appPortalAccess(app.id, {});
    expectComplete('AppPortalAccessOut', 'POST', `/api/v1/auth/app-portal-access/${app.id}`);
    expect(portal.url).toContain(herald.url);
    expect((await fetch(portal.url)).status).toBe(200);

    // 9. What was outside the endpoint's channels or types never arrived, and has no attempt:
    // the receiver holds exactly the three deliveries above (the later message came after them).
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([message.id, message.id, later.id]);
    for (const skipped of [outside, otherType, unchannelled]) {
      expect((await svix.messageAttempt.listByMsg(app.id, skipped.id)).data).toEqual([]);
    }
  });

  it("answers errors in Svix's shapes (404, 422, 501) and takes other clients' query forms", async () => {
    const app = await svix.application.create({ name: 'Errors' });
    const missing = await svix.message.get(app.id, 'msg_2zzzzzzzzzzzzzzzzzzzzzzzzz').catch((err: unknown) => err as { code: number; body: any });
    expect(missing).toMatchObject({ code: 404, body: { code: 'not_found', detail: expect.stringContaining('msg_2zzzzzzzzzzzzzzzzzzzzzzzzz') } });
    const invalid = await svix.message.create(app.id, { eventType: 'has space', payload: {} }).catch((err: unknown) => err as { code: number; body: any });
    expect(invalid).toMatchObject({ code: 422, body: { detail: [{ loc: ['body', 'eventType'], type: expect.any(String), msg: expect.any(String) }] } });
    // Without the SDK: a repeated event_types key (as other languages' clients send it), content
    // left out, a status-code class, and a tag nothing carries.
    const a = await herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'a.one', payload: { n: 1 } });
    expect(a.status).toBe(202);
    await herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'a.two', payload: { n: 2 } });
    await herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'a.three', payload: { n: 3 } });
    const listed = await herald.api('GET', `/api/v1/app/${app.id}/msg?event_types=a.one&event_types=a.three&with_content=false`);
    expect(listed.body.data.map((m: any) => [m.eventType, m.payload])).toEqual([['a.three', {}], ['a.one', {}]]);
    expect((await herald.api('GET', `/api/v1/app/${app.id}/msg?tag=x`)).body).toEqual({ data: [], iterator: null, prevIterator: null, done: true });
    const classFilter = await herald.api('GET', `/api/v1/app/${app.id}/attempt/msg/${a.body.id}?status_code_class=500`);
    // Filtered (test/e2e/svix-attempt-fields.test.ts covers each class), no longer refused.
    expect(classFilter.status).toBe(200);
    expect(Array.isArray(classFilter.body.data)).toBe(true);
    // Svix's own rules: the payload is an object; a repeated eventId is a conflict, a repeated idempotency key a retry.
    const notObject = await herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'a.b', payload: [1] });
    expect(notObject).toMatchObject({ status: 422, body: { detail: [{ loc: ['body'], msg: expect.stringContaining('payload must be a JSON object') }] } });
    const first = await svix.message.create(app.id, { eventType: 'a.b', payload: {}, eventId: 'evt-once' }, { idempotencyKey: 'key-1' });
    expect((await svix.message.create(app.id, { eventType: 'a.b', payload: {}, eventId: 'evt-once' }, { idempotencyKey: 'key-1' })).id).toBe(first.id);
    const repeated = await svix.message.create(app.id, { eventType: 'a.b', payload: {}, eventId: 'evt-once' }).catch((err: unknown) => err as { code: number; body: any });
    expect(repeated).toMatchObject({ code: 409, body: { code: 'conflict', detail: expect.stringContaining(first.id) } });
    // A 5xx reaches the SDK's caller as text (after its retries).
    const transformed = await svix.message.create(app.id, { eventType: 'a.b', payload: {}, transformationsParams: { x: 1 } }).catch((err: unknown) => err as { code: number; body: string });
    expect(transformed).toMatchObject({ code: 501 });
    expect(JSON.parse((transformed as { body: string }).body)).toMatchObject({ code: 'not_implemented', detail: expect.stringContaining('transformationsParams') });
  });
});
