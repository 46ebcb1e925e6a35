import { describe, expect, it } from 'vitest';
import { MessageStatus, Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's message `tags` (stored, answered, filtered on by every message and attempt list) and
// `deliverAt` (the deliveries are due then, not before: a publish does not hand them to the local
// delivery loop). Through the pinned svix SDK and plain HTTP, against a real Herald and receiver, on both stores.

const stores = bothStores('Svix tags and deliverAt on PostgreSQL');

describe.each(stores)('Svix message tags and deliverAt ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-tags-deliver-at', pg);

  it('keeps a message\'s tags, answers them, and filters message, endpoint-message and attempt lists by tag', async () => {
    const app = await env.svix.application.create({ name: 'Tags' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/tags/${app.id}` });
    const tagged = await env.svix.message.create(app.id, { eventType: 'tag.one', payload: { n: 1 }, tags: ['project_1337', 'team/a#b'] });
    expect(tagged.tags).toEqual(['project_1337', 'team/a#b']);
    const other = await env.svix.message.create(app.id, { eventType: 'tag.one', payload: { n: 2 }, tags: ['project_42'] });
    const plain = await env.svix.message.create(app.id, { eventType: 'tag.one', payload: { n: 3 } });
    expect(plain.tags ?? null).toBeNull();
    expect((await env.svix.message.get(app.id, tagged.id)).tags).toEqual(['project_1337', 'team/a#b']);

    const listed = async (tag: string) => (await env.svix.message.list(app.id, { tag })).data.map((m) => m.id);
    expect(await listed('project_1337')).toEqual([tagged.id]);
    expect(await listed('team/a#b')).toEqual([tagged.id]);
    expect(await listed('project_42')).toEqual([other.id]);
    // Exact: neither a part of a tag nor another case matches.
    expect(await listed('project')).toEqual([]);
    expect(await listed('PROJECT_42')).toEqual([]);
    expect((await env.svix.message.list(app.id)).data.map((m) => m.id)).toEqual([plain.id, other.id, tagged.id]);

    await eventually(async () => (await env.svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 3);
    expect((await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id, { tag: 'project_42' })).data.map((m) => [m.id, m.tags])).toEqual([[other.id, ['project_42']]]);
    expect((await env.svix.messageAttempt.listByEndpoint(app.id, ep.id, { tag: 'project_1337' })).data.map((a) => a.msgId)).toEqual([tagged.id]);
    expect((await env.svix.messageAttempt.listByMsg(app.id, other.id, { tag: 'project_1337' })).data).toEqual([]);
    expect((await env.svix.messageAttempt.listByMsg(app.id, other.id, { tag: 'project_42' })).data).toHaveLength(1);

    // Svix's limits: at most 5, distinct, of its characters (422 otherwise).
    const refused = async (tags: string[]) => (await env.herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'tag.one', payload: {}, tags })).status;
    expect(await refused(['a', 'b', 'c', 'd', 'e', 'f'])).toBe(422);
    expect(await refused(['same', 'same'])).toBe(422);
    expect(await refused(['has space'])).toBe(422);
    expect(await refused(['x'.repeat(129)])).toBe(422);
    expect((await env.herald.api('GET', `/api/v1/app/${app.id}/msg?tag=${encodeURIComponent('no space')}`)).status).toBe(422);
  });

  it('delivers a message with deliverAt a couple of seconds ahead not before that time, and then', async () => {
    const app = await env.svix.application.create({ name: 'Scheduled' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/later/${app.id}` });
    const deliverAt = new Date(Date.now() + 2500);
    const msg = await env.svix.message.create(app.id, { eventType: 'sched.one', payload: { n: 1 }, deliverAt });
    expect(msg.deliverAt?.getTime()).toBe(deliverAt.getTime());
    expect((await env.svix.message.get(app.id, msg.id)).deliverAt?.getTime()).toBe(deliverAt.getTime());

    // Waiting: pending, its next attempt at deliverAt (unless the time has come meanwhile on a slow machine).
    const waiting = (await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data[0]!;
    if (Date.now() < deliverAt.getTime()) {
      expect(waiting).toMatchObject({ id: msg.id, status: MessageStatus.Pending });
      expect(waiting.nextAttempt?.getTime()).toBe(deliverAt.getTime());
    }

    const request = await eventually(() => env.receiver.requests.find((r) => r.url === `/later/${app.id}`), 15_000);
    expect(request.at).toBeGreaterThanOrEqual(deliverAt.getTime());
    expect(JSON.parse(request.body)).toEqual({ n: 1 });
    await eventually(async () => (await env.svix.messageAttempt.listAttemptedMessages(app.id, ep.id)).data[0]?.status === MessageStatus.Success);
  });

  it('takes deliverAt over HTTP too; one already past delivers at once; more than a day ahead is 422', async () => {
    const app = await env.svix.application.create({ name: 'Scheduled HTTP' });
    await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/http-later/${app.id}` });
    // No idempotency-key (the SDK sends one on every POST): an unkeyed publish is the one PostgreSQL
    // hands to the local loop, which must leave a scheduled delivery alone.
    const deliverAt = new Date(Date.now() + 2000).toISOString();
    const created = await env.herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'sched.http', payload: { n: 2 }, deliverAt });
    expect(created).toMatchObject({ status: 202, body: { deliverAt } });
    const arrived = await eventually(() => env.receiver.requests.find((r) => r.url === `/http-later/${app.id}`), 15_000);
    expect(arrived.at).toBeGreaterThanOrEqual(Date.parse(deliverAt));

    const past = await env.svix.message.create(app.id, { eventType: 'sched.http', payload: { n: 3 }, deliverAt: new Date(Date.now() - 60_000) });
    await eventually(() => env.receiver.requests.find((r) => r.url === `/http-later/${app.id}` && JSON.parse(r.body).n === 3));
    expect(past.deliverAt).toBeInstanceOf(Date);

    const tooFar = await env.herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'sched.http', payload: {}, deliverAt: new Date(Date.now() + 25 * 3_600_000).toISOString() });
    expect(tooFar).toMatchObject({ status: 422, body: { detail: [{ loc: ['body'], msg: expect.stringContaining('24 hours') }] } });
    const notATime = await env.herald.api('POST', `/api/v1/app/${app.id}/msg`, { eventType: 'sched.http', payload: {}, deliverAt: 'tomorrow' });
    expect(notATime.status).toBe(422);
  });
});
