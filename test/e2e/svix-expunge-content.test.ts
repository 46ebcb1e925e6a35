import { afterAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { type Reply, type Responder } from '../helpers/receiver.js';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Expunging a message's content: Svix's DELETE /api/v1/app/{app_id}/msg/{msg_id}/content and Herald's
// DELETE /api/v1/apps/{appId}/messages/{msgId}/content clear the payload and the attempts' recorded
// bodies as retention does; the message then reads as expired and cannot be resent. Through the
// pinned svix SDK and HTTP, against a real Herald and receiver, on both stores.

const stores = bothStores('expunging message content on PostgreSQL');

describe.each(stores)('expunging a message\'s content ($store)', ({ pg }) => {
  /** Requests to /hold wait here until the test lets them go. */
  const held: Array<() => void> = [];

  const respond: Responder = (req) => (req.url.startsWith('/hold')
    ? new Promise<Reply>((resolve) => held.push(() => resolve({ status: 200, body: 'held ok' })))
    : { status: 200, body: 'answer body' });
  const env = useSvixHerald('svix-expunge', pg, { respond });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
  });

  const heraldMessage = async (appId: string, msgId: string) => (await env.herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body;

  it('clears a delivered message\'s payload and attempt bodies at once; it reads as expired and cannot be resent', async () => {
    const app = await env.svix.application.create({ name: 'Expunge' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/ok/${app.id}` });
    const secret = await env.svix.message.create(app.id, { eventType: 'exp.one', payload: { card: '4111 1111 1111 1111' }, eventId: 'evt-secret' });
    const kept = await env.svix.message.create(app.id, { eventType: 'exp.one', payload: { card: 'none' } });
    await eventually(async () => (await env.svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 2);
    const [before] = (await env.svix.messageAttempt.listByMsg(app.id, secret.id)).data;
    expect(before!.response).toBe('answer body');

    await env.svix.message.expungeContent(app.id, secret.id);
    expect((await env.svix.message.get(app.id, secret.id)).payload).toEqual({ expired: true });
    expect((await env.svix.message.list(app.id)).data.map((m) => [m.id, m.payload])).toEqual([[kept.id, { card: 'none' }], [secret.id, { expired: true }]]);
    const [after] = (await env.svix.messageAttempt.listByMsg(app.id, secret.id)).data;
    expect(after).toMatchObject({ id: before!.id, response: '' });
    const [heraldAttempt] = (await env.herald.api('GET', `/api/v1/apps/${app.id}/messages/${secret.id}/attempts`)).body.data;
    expect(heraldAttempt).toMatchObject({ status: 'success', request: { body: null } });
    expect(JSON.stringify(heraldAttempt)).not.toContain('4111');
    expect((await heraldMessage(app.id, secret.id)).data).toBeNull();
    // The other message keeps its content; a resend of the expunged one has nothing to send.
    expect((await env.svix.message.get(app.id, kept.id)).payload).toEqual({ card: 'none' });
    const resend = await env.svix.messageAttempt.resend(app.id, secret.id, ep.id).catch((err: unknown) => err as { code: number });
    expect(resend).toMatchObject({ code: 410 });
    // Again (by eventId, as Svix's {msg_id} takes it) is still 204; an unknown message is 404.
    expect((await env.herald.api('DELETE', `/api/v1/app/${app.id}/msg/evt-secret/content`)).status).toBe(204);
    expect((await env.herald.api('DELETE', `/api/v1/app/${app.id}/msg/msg_01ARZ3NDEKTSV4RRFFQ69G5FAV/content`)).status).toBe(404);
  });

  it('leaves a message being delivered its payload until the delivery settles, then the purger clears it', async () => {
    const app = await env.svix.application.create({ name: 'Expunge pending' });
    await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/hold/${app.id}` });
    const msg = await env.svix.message.create(app.id, { eventType: 'exp.two', payload: { n: 1 } });
    await eventually(() => env.receiver.requests.find((r) => r.url === `/hold/${app.id}`));

    // Herald's own route says what happened: deferred while the delivery is in flight.
    const expunged = await env.herald.api('DELETE', `/api/v1/apps/${app.id}/messages/${msg.id}/content`);
    expect(expunged).toMatchObject({ status: 200, body: { id: msg.id, content: 'deferred' } });
    expect((await env.svix.message.get(app.id, msg.id)).payload).toEqual({ n: 1 });
    for (const release of held.splice(0)) release();
    await eventually(async () => (await env.svix.messageAttempt.listByMsg(app.id, msg.id)).data.length === 1);
    await eventually(async () => (await env.herald.operations.retention!.runPass()).messages > 0 || (await env.svix.message.get(app.id, msg.id)).payload.expired);
    expect((await env.svix.message.get(app.id, msg.id)).payload).toEqual({ expired: true });
    expect((await env.herald.api('DELETE', `/api/v1/apps/${app.id}/messages/${msg.id}/content`)).body).toEqual({ id: msg.id, content: 'expunged' });
  });

  it('is another app\'s 404 and not a portal link\'s to call', async () => {
    const mine = await env.svix.application.create({ name: 'Mine' });
    const theirs = await env.svix.application.create({ name: 'Theirs' });
    const msg = await env.svix.message.create(theirs.id, { eventType: 'exp.three', payload: { x: 1 } });
    const token = (await env.herald.api('POST', `/api/v1/apps/${mine.id}/tokens`, { name: 'backend' })).body.token as string;
    const tenant = new Svix(token, { serverUrl: env.herald.url });
    expect(await tenant.message.expungeContent(theirs.id, msg.id).catch((err: unknown) => err)).toMatchObject({ code: 404 });
    expect(await tenant.message.expungeContent(mine.id, msg.id).catch((err: unknown) => err)).toMatchObject({ code: 404 });
    const portal = (await env.herald.api('POST', `/api/v1/apps/${theirs.id}/portal-link`, { expiresIn: 600 })).body.token as string;
    const viaPortal = await fetch(`${env.herald.url}/api/v1/apps/${theirs.id}/messages/${msg.id}/content`, { method: 'DELETE', headers: { authorization: `Bearer ${portal}` } });
    expect(viaPortal.status).toBe(403);
    expect((await env.svix.message.get(theirs.id, msg.id)).payload).toEqual({ x: 1 });
  });
});
