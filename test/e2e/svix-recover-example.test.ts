import { describe, expect, it } from 'vitest';
import { MessageStatus, Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's recover with `until` (only failures in [since, until) are sent again) and send-example's
// `exampleIndex` (the N-th example of the type in the catalogue; beyond them 422). Through the
// pinned svix SDK and plain HTTP, against a real Herald and receiver, on both stores.

const stores = bothStores('Svix recover until and exampleIndex on PostgreSQL');

describe.each(stores)('Svix recover until and send-example exampleIndex ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-recover-example', pg, { respond: (req) => (req.url.startsWith('/toggle') && failing ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }) });
  /** /toggle answers 503 while this is true. */
  let failing = true;

  it('recovers only the failures created before `until`', async () => {
    const app = await env.svix.application.create({ name: 'Recover until' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/toggle/${app.id}` });
    const failedOut = async (msgId: string) =>
      eventually(async () => (await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data.find((m) => m.id === msgId && m.status === MessageStatus.Fail));
    const since = new Date(Date.now() - 1000);
    const early = await env.svix.message.create(app.id, { eventType: 'rec.one', payload: { n: 1 } });
    await failedOut(early.id);
    // Both deliveries were created on either side of this time (each at its message's publish).
    const until = new Date();
    await eventually(() => Date.now() > until.getTime() + 5);
    const late = await env.svix.message.create(app.id, { eventType: 'rec.one', payload: { n: 2 } });
    await failedOut(late.id);

    failing = false;
    const task = await env.svix.endpoint.recover(app.id, ep.id, { since, until });
    expect(task.id).toMatch(/^qtask_/);
    const done = await eventually(async () => {
      const res = await env.herald.api('GET', `/api/v1/apps/${app.id}/tasks/${task.id.replace(/^qtask_/, 'tsk_')}`);
      return res.body.status === 'finished' ? res.body : null;
    });
    expect(done).toMatchObject({ total: 1, done: 1 });
    const states = await eventually(async () => {
      const list = await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id);
      return list.data.some((m) => m.status === MessageStatus.Success) ? list.data : null;
    });
    expect(states.map((m) => [m.id, m.status])).toEqual([[late.id, MessageStatus.Fail], [early.id, MessageStatus.Success]]);
    const bodies = env.receiver.requests.filter((r) => r.url === `/toggle/${app.id}`).map((r) => JSON.parse(r.body) as { n: number });
    // Each failed 5 times (the first try and four retries); only the early one came again, and got through.
    expect(bodies.filter((b) => b.n === 1)).toHaveLength(6);
    expect(bodies.filter((b) => b.n === 2)).toHaveLength(5);

    // Without `until`, everything since: the late one now.
    const all = await env.svix.endpoint.recover(app.id, ep.id, { since });
    await eventually(async () => (await env.herald.api('GET', `/api/v1/apps/${app.id}/tasks/${all.id.replace(/^qtask_/, 'tsk_')}`)).body.status === 'finished');
    await eventually(async () => (await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data.every((m) => m.status === MessageStatus.Success));

    // An empty or backwards window is a caller's mistake.
    const backwards = await env.herald.api('POST', `/api/v1/app/${app.id}/endpoint/${ep.id}/recover`, { since: until.toISOString(), until: since.toISOString() });
    expect(backwards).toMatchObject({ status: 422, body: { detail: [{ loc: ['body'], msg: expect.stringContaining('until') }] } });
  });

  it("send-example sends the type's exampleIndex-th example; an index beyond them answers 422", async () => {
    const app = await env.svix.application.create({ name: 'Examples' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/examples/${app.id}` });
    const examples = [{ order: 'first' }, { order: 'second' }, { order: 'third' }];
    await env.svix.eventType.create({ name: 'ex.made', description: 'examples', schemas: { '1': { type: 'object', examples } } });

    const second = await env.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'ex.made', exampleIndex: 1 });
    expect(second.payload).toEqual(examples[1]);
    const third = await env.herald.api('POST', `/api/v1/app/${app.id}/endpoint/${ep.id}/send-example`, { eventType: 'ex.made', exampleIndex: 2 });
    expect(third).toMatchObject({ status: 202, body: { payload: examples[2] } });
    const first = await env.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'ex.made' });
    expect(first.payload).toEqual(examples[0]);
    const arrived = await eventually(() => {
      const got = env.receiver.requests.filter((r) => r.url === `/examples/${app.id}`);
      return got.length === 3 ? got : null;
    });
    expect(new Set(arrived.map((r) => JSON.parse(r.body).order))).toEqual(new Set(['first', 'second', 'third']));

    const beyond = await env.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'ex.made', exampleIndex: 3 }).catch((err: unknown) => err as { code: number; body: any });
    expect(beyond).toMatchObject({ code: 422, body: { detail: [{ loc: ['body'], msg: expect.stringContaining('exampleIndex 3 is out of range') }] } });
    const none = await env.herald.api('POST', `/api/v1/app/${app.id}/endpoint/${ep.id}/send-example`, { eventType: 'ex.unknown', exampleIndex: 1 });
    expect(none.status).toBe(422);
    // Nothing was sent for either.
    expect((await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data).toHaveLength(3);
  });
});
