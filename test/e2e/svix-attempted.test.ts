import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageStatus, Svix } from 'svix';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Svix's attempted messages of an endpoint (GET …/endpoint/{endpoint_id}/msg) and attempted
// destinations of a message (GET …/msg/{msg_id}/endpoint): each pair once, with its status and
// nextAttempt. Through the pinned svix SDK and plain HTTP, against a real Herald and receiver, on both stores.

warnIfNoPostgres('Svix attempted messages and destinations on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('Svix attempted messages and destinations ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let svix: Svix;
  /** Requests to /hold (and /flaky's retries) wait here until the test lets them go. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    schema = pg ? testSchema('svix-attempted') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    const flakyCalls = new Map<string, number>();
    receiver = await startReceiver((req) => {
      const hold = () => new Promise<Reply>((resolve) => held.push(() => resolve({ status: 200, body: 'ok' })));
      if (req.url.startsWith('/hold')) return hold();
      // /flaky fails its first request, then holds its retry: the delivery is being retried.
      if (req.url.startsWith('/flaky')) {
        const n = (flakyCalls.get(req.url) ?? 0) + 1;
        flakyCalls.set(req.url, n);
        return n === 1 ? { status: 503, body: 'later' } : hold();
      }
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

  it("lists an endpoint's messages newest first, once each, with their status; filters and pages both ways", async () => {
    const app = await svix.application.create({ name: 'Attempted messages' });
    const ok = await svix.endpoint.create(app.id, { url: `${receiver.url}/ok` });
    const broken = await svix.endpoint.create(app.id, { url: `${receiver.url}/status/503`, filterTypes: ['att.two'] });
    const m1 = await svix.message.create(app.id, { eventType: 'att.one', payload: { n: 1 } });
    const m2 = await svix.message.create(app.id, { eventType: 'att.two', payload: { n: 2 }, channels: ['blue'] });
    const m3 = await svix.message.create(app.id, { eventType: 'att.one', payload: { n: 3 } });
    // A message of another app never shows.
    const other = await svix.application.create({ name: 'Other' });
    await svix.endpoint.create(other.id, { url: `${receiver.url}/ok` });
    await svix.message.create(other.id, { eventType: 'att.one', payload: { n: 9 } });

    const settled = await eventually(async () => {
      const list = await svix.messageAttempt.listAttemptedMessages(app.id, ok.id);
      return list.data.every((m) => m.status === MessageStatus.Success) && list.data.length === 3 ? list : null;
    });
    expect(settled.data.map((m) => m.id)).toEqual([m3.id, m2.id, m1.id]);
    expect(settled.data[1]).toMatchObject({ eventType: 'att.two', payload: { n: 2 }, channels: ['blue'], statusText: 'success' });
    expect(settled.data[1]!.nextAttempt ?? null).toBeNull();
    expect(settled.data[1]!.timestamp).toBeInstanceOf(Date);
    expect(settled.done).toBe(true);

    // A resend makes a newer delivery of the same pair: the message is still listed once.
    await svix.messageAttempt.resend(app.id, m1.id, ok.id);
    await eventually(async () => (await svix.messageAttempt.listByEndpoint(app.id, ok.id)).data.length === 4);
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, ok.id)).data.map((m) => m.id)).toEqual([m3.id, m2.id, m1.id]);

    // The failing endpoint got m2 only; once its retries are spent, it is failed there.
    const failed = await eventually(async () => {
      const list = await svix.messageAttempt.listAttemptedMessages(app.id, broken.id);
      return list.data[0]?.status === MessageStatus.Fail ? list : null;
    });
    expect(failed.data.map((m) => [m.id, m.statusText])).toEqual([[m2.id, 'fail']]);

    const ids = async (options: Parameters<Svix['messageAttempt']['listAttemptedMessages']>[2]) =>
      (await svix.messageAttempt.listAttemptedMessages(app.id, ok.id, options)).data.map((m) => m.id);
    expect(await ids({ eventTypes: ['att.one'] })).toEqual([m3.id, m1.id]);
    expect(await ids({ channel: 'blue' })).toEqual([m2.id]);
    expect(await ids({ status: MessageStatus.Success })).toEqual([m3.id, m2.id, m1.id]);
    expect(await ids({ status: MessageStatus.Fail })).toEqual([]);
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, broken.id, { status: MessageStatus.Fail })).data.map((m) => m.id)).toEqual([m2.id]);
    // with_content=false: an empty payload, as Svix answers.
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { withContent: false })).data[0]!.payload).toEqual({});

    const first = await svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { limit: 2 });
    expect(first.data.map((m) => m.id)).toEqual([m3.id, m2.id]);
    expect(first.done).toBe(false);
    const second = await svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { limit: 2, iterator: first.iterator });
    expect(second.data.map((m) => m.id)).toEqual([m1.id]);
    expect(second.done).toBe(true);
    const back = await svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { limit: 2, iterator: second.prevIterator });
    expect(back.data.map((m) => m.id)).toEqual([m3.id, m2.id]);

    // Over HTTP: the route is served (no longer 501), and an unknown endpoint is 404.
    const res = await herald.api('GET', `/api/v1/app/${app.id}/endpoint/${ok.id}/msg?limit=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: [{ id: m3.id, status: 0, statusText: 'success', nextAttempt: null }], done: false });
    expect((await herald.api('GET', `/api/v1/app/${app.id}/endpoint/ep_01JAAAAAAAAAAAAAAAAAAAAAAA/msg`)).status).toBe(404);
  });

  it('answers pending (1) before a first try and sending (3) with its nextAttempt while retried', async () => {
    const app = await svix.application.create({ name: 'Retrying' });
    const hold = await svix.endpoint.create(app.id, { url: `${receiver.url}/hold/${app.id}` });
    const flaky = await svix.endpoint.create(app.id, { url: `${receiver.url}/flaky/${app.id}` });
    const before = Date.now();
    const msg = await svix.message.create(app.id, { eventType: 'att.retry', payload: { n: 1 } });

    // The held request has not been answered: no attempt is settled yet.
    const pending = await svix.messageAttempt.listAttemptedMessages(app.id, hold.id);
    expect(pending.data.map((m) => [m.id, m.status, m.statusText])).toEqual([[msg.id, MessageStatus.Pending, 'pending']]);
    expect(pending.data[0]!.nextAttempt).toBeInstanceOf(Date);
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, hold.id, { status: MessageStatus.Sending })).data).toEqual([]);

    // /flaky failed once; its retry is held, so the delivery is pending with one attempt behind it.
    const retrying = await eventually(async () => {
      const list = await svix.messageAttempt.listAttemptedMessages(app.id, flaky.id);
      return list.data[0]?.status === MessageStatus.Sending ? list.data[0] : null;
    });
    expect(retrying.statusText).toBe('sending');
    expect(retrying.nextAttempt!.getTime()).toBeGreaterThanOrEqual(before);
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, flaky.id, { status: MessageStatus.Sending })).data.map((m) => m.id)).toEqual([msg.id]);
    expect((await svix.messageAttempt.listAttemptedMessages(app.id, flaky.id, { status: MessageStatus.Pending })).data).toEqual([]);

    // The message's destinations say the same, endpoint by endpoint.
    const destinations = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id);
    const byId = new Map(destinations.data.map((d) => [d.id, d]));
    expect(byId.get(hold.id)).toMatchObject({ status: MessageStatus.Pending, statusText: 'pending' });
    expect(byId.get(flaky.id)).toMatchObject({ status: MessageStatus.Sending, statusText: 'sending' });

    // Let every held request go (a retry of one held too long is held again, so on each look).
    await eventually(async () => {
      for (const release of held.splice(0)) release();
      return (await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id)).data.every((d) => d.status === MessageStatus.Success);
    });
  });

  it("lists a message's destinations by endpoint id, ascending, with the endpoint's fields and its status there", async () => {
    const app = await svix.application.create({ name: 'Destinations' });
    const eps: Array<{ id: string }> = [];
    for (let i = 0; i < 3; i++) eps.push(await svix.endpoint.create(app.id, { url: `${receiver.url}/ok/${i}`, description: `dest ${i}`, uid: `dest-${i}` }));
    const broken = await svix.endpoint.create(app.id, { url: `${receiver.url}/status/500`, channels: ['red'] });
    // Not a destination: filtered out by its types.
    await svix.endpoint.create(app.id, { url: `${receiver.url}/ok/never`, filterTypes: ['att.other'] });
    const msg = await svix.message.create(app.id, { eventType: 'att.dest', payload: { n: 1 }, channels: ['red'] });
    const all = [...eps, broken].map((e) => e.id).sort();

    const list = await eventually(async () => {
      const out = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id);
      return out.data.length === 4 && out.data.every((d) => d.status === MessageStatus.Success || d.status === MessageStatus.Fail) ? out : null;
    });
    expect(list.data.map((d) => d.id)).toEqual(all);
    const zero = list.data.find((d) => d.id === eps[0]!.id)!;
    expect(zero).toMatchObject({ url: `${receiver.url}/ok/0`, description: 'dest 0', uid: 'dest-0', version: 1, status: MessageStatus.Success, statusText: 'success' });
    expect(zero.createdAt).toBeInstanceOf(Date);
    expect(zero.updatedAt).toBeInstanceOf(Date);
    expect(list.data.find((d) => d.id === broken.id)).toMatchObject({ status: MessageStatus.Fail, statusText: 'fail', channels: ['red'] });

    // Paged two at a time, forwards and back; by eventId too, as {msg_id} takes it.
    const first = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id, { limit: 2 });
    expect(first.data.map((d) => d.id)).toEqual(all.slice(0, 2));
    const second = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id, { limit: 2, iterator: first.iterator });
    expect(second.data.map((d) => d.id)).toEqual(all.slice(2, 4));
    expect(second.done).toBe(true);
    const back = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id, { limit: 2, iterator: second.prevIterator });
    expect(back.data.map((d) => d.id)).toEqual(all.slice(0, 2));
    expect(back.done).toBe(true);

    const res = await herald.api('GET', `/api/v1/app/${app.id}/msg/${msg.id}/endpoint?order=descending&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: [{ id: all[3], nextAttempt: null }], done: false });
    expect((await herald.api('GET', `/api/v1/app/${app.id}/msg/msg_01JAAAAAAAAAAAAAAAAAAAAAAA/endpoint`)).status).toBe(404);

    // Another app's token sees neither list of this app (404, as for every Svix route).
    const elsewhere = await svix.application.create({ name: 'Elsewhere' });
    const token = (await herald.api('POST', `/api/v1/apps/${elsewhere.id}/tokens`, { name: 'svix' })).body.token as string;
    const asOther = new Svix(token, { serverUrl: herald.url });
    const refused = async (call: Promise<unknown>) => ((await call.catch((err: unknown) => err)) as { code?: number }).code;
    expect(await refused(asOther.messageAttempt.listAttemptedDestinations(app.id, msg.id))).toBe(404);
    expect(await refused(asOther.messageAttempt.listAttemptedMessages(app.id, eps[0]!.id))).toBe(404);
    expect((await asOther.messageAttempt.listAttemptedMessages(elsewhere.id, eps[0]!.id).catch((err: unknown) => err as { code: number })) as { code: number }).toMatchObject({ code: 404 });
  });
});
