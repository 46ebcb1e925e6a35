import { describe, expect, it } from 'vitest';
import { MessageAttemptTriggerType, Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's replay-missing: POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/replay-missing sends the
// endpoint the messages created since `since` (and before `until`) that it never got and that its
// filters take, as a background task. Through the pinned svix SDK and HTTP, against a real Herald
// and receiver, on both stores.

const stores = bothStores('Svix replay-missing on PostgreSQL');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(stores)('Svix replay-missing ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-replay-missing', pg);

  /** The task as Herald's own API reports it (Svix's background-task routes are not served). */
  const task = async (appId: string, svixTaskId: string) => (await env.herald.api('GET', `/api/v1/apps/${appId}/tasks/${svixTaskId.replace(/^qtask_/, 'tsk_')}`)).body;
  const sentTo = (path: string) => env.receiver.requests.filter((r) => r.url === path).map((r) => (JSON.parse(r.body) as { n: number }).n).sort((a, b) => a - b);

  it('sends the messages since `since` that the endpoint never got and its filters take, once', async () => {
    const app = await env.svix.application.create({ name: 'Replay' });
    const path = `/replay/${app.id}`;
    await env.svix.message.create(app.id, { eventType: 'rep.a', payload: { n: 0 } });
    await pause(20);
    const since = new Date();
    await pause(5);
    // Published before the endpoint existed: never sent to it.
    await env.svix.message.create(app.id, { eventType: 'rep.a', payload: { n: 1 } });
    await env.svix.message.create(app.id, { eventType: 'rep.b', payload: { n: 2 } });
    await env.svix.message.create(app.id, { eventType: 'rep.a', payload: { n: 3 }, channels: ['green'] });
    await env.svix.message.create(app.id, { eventType: 'rep.a', payload: { n: 4 }, channels: ['red'] });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}${path}`, filterTypes: ['rep.a'], channels: ['green', 'blue'] });
    // One it got when published: not sent again.
    const live = await env.svix.message.create(app.id, { eventType: 'rep.a', payload: { n: 5 }, channels: ['blue'] });
    await eventually(() => sentTo(path).includes(5));

    const out = await env.svix.endpoint.replayMissing(app.id, ep.id, { since });
    expect(out).toMatchObject({ id: expect.stringMatching(/^qtask_/), task: 'endpoint.replay' });
    expect(out.updatedAt).toBeInstanceOf(Date);
    // n 0: before since; n 2: another event type; n 4: another channel.
    const done = await eventually(async () => { const t = await task(app.id, out.id); return t.status === 'finished' ? t : null; });
    expect(done).toMatchObject({ kind: 'endpoint.replay', done: 1, total: 1 });
    await eventually(() => sentTo(path).length === 2);
    expect(sentTo(path)).toEqual([3, 5]);

    // Replayed deliveries are manual, as a recovery's.
    const attempts = await eventually(async () => { const list = (await env.svix.messageAttempt.listByEndpoint(app.id, ep.id)).data; return list.length === 2 ? list : null; });
    expect(attempts.filter((a) => a.msgId !== live.id).map((a) => a.triggerType)).toEqual([MessageAttemptTriggerType.Manual]);
    expect(attempts.find((a) => a.msgId === live.id)?.triggerType).toBe(MessageAttemptTriggerType.Scheduled);

    // Nothing is missing any more: a second replay sends nothing.
    const again = await env.svix.endpoint.replayMissing(app.id, ep.id, { since });
    // (Running at first: its estimate counts n 2 and n 4, before the endpoint's filters.)
    const second = await eventually(async () => { const t = await task(app.id, again.id); return t.status === 'finished' ? t : null; });
    expect(second).toMatchObject({ done: 0, total: 0 });
    await pause(300);
    expect(sentTo(path)).toEqual([3, 5]);
  });

  it('stops at `until`; until not after since is 422; another app\'s endpoint is 404', async () => {
    const app = await env.svix.application.create({ name: 'Replay until' });
    const path = `/replay-until/${app.id}`;
    const since = new Date();
    await pause(5);
    await env.svix.message.create(app.id, { eventType: 'rep.c', payload: { n: 1 } });
    await pause(20);
    const until = new Date();
    await pause(20);
    await env.svix.message.create(app.id, { eventType: 'rep.c', payload: { n: 2 } });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}${path}` });

    const out = await env.herald.api('POST', `/api/v1/app/${app.id}/endpoint/${ep.id}/replay-missing`, { since: since.toISOString(), until: until.toISOString() });
    expect(out).toMatchObject({ status: 202, body: { task: 'endpoint.replay', status: 'running' } });
    await eventually(async () => (await task(app.id, out.body.id)).status === 'finished');
    await eventually(() => sentTo(path).length === 1);
    expect(sentTo(path)).toEqual([1]);

    const backwards = await env.herald.api('POST', `/api/v1/app/${app.id}/endpoint/${ep.id}/replay-missing`, { since: until.toISOString(), until: since.toISOString() });
    expect(backwards).toMatchObject({ status: 422, body: { detail: [{ msg: expect.stringContaining('until') }] } });
    const other = await env.svix.application.create({ name: 'Other' });
    const token = (await env.herald.api('POST', `/api/v1/apps/${other.id}/tokens`, { name: 'backend' })).body.token as string;
    const tenant = new Svix(token, { serverUrl: env.herald.url });
    expect(await tenant.endpoint.replayMissing(app.id, ep.id, { since }).catch((err: unknown) => err)).toMatchObject({ code: 404 });
    expect(await tenant.endpoint.replayMissing(other.id, ep.id, { since }).catch((err: unknown) => err)).toMatchObject({ code: 404 });
  });
});
