import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Expunging a message's content: Svix's DELETE /api/v1/app/{app_id}/msg/{msg_id}/content and Herald's
// DELETE /api/v1/apps/{appId}/messages/{msgId}/content clear the payload and the attempts' recorded
// bodies as retention does; the message then reads as expired and cannot be resent. Through the
// pinned svix SDK and HTTP, against a real Herald and receiver, on both stores.

warnIfNoPostgres('expunging message content on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('expunging a message\'s content ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let svix: Svix;
  /** Requests to /hold wait here until the test lets them go. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    schema = pg ? testSchema('svix-expunge') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver((req) => (req.url.startsWith('/hold')
      ? new Promise<Reply>((resolve) => held.push(() => resolve({ status: 200, body: 'held ok' })))
      : { status: 200, body: 'answer body' }));
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  const heraldMessage = async (appId: string, msgId: string) => (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body;

  it('clears a delivered message\'s payload and attempt bodies at once; it reads as expired and cannot be resent', async () => {
    const app = await svix.application.create({ name: 'Expunge' });
    const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/ok/${app.id}` });
    const secret = await svix.message.create(app.id, { eventType: 'exp.one', payload: { card: '4111 1111 1111 1111' }, eventId: 'evt-secret' });
    const kept = await svix.message.create(app.id, { eventType: 'exp.one', payload: { card: 'none' } });
    await eventually(async () => (await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.length === 2);
    const [before] = (await svix.messageAttempt.listByMsg(app.id, secret.id)).data;
    expect(before!.response).toBe('answer body');

    await svix.message.expungeContent(app.id, secret.id);
    expect((await svix.message.get(app.id, secret.id)).payload).toEqual({ expired: true });
    expect((await svix.message.list(app.id)).data.map((m) => [m.id, m.payload])).toEqual([[kept.id, { card: 'none' }], [secret.id, { expired: true }]]);
    const [after] = (await svix.messageAttempt.listByMsg(app.id, secret.id)).data;
    expect(after).toMatchObject({ id: before!.id, response: '' });
    const [heraldAttempt] = (await herald.api('GET', `/api/v1/apps/${app.id}/messages/${secret.id}/attempts`)).body.data;
    expect(heraldAttempt).toMatchObject({ status: 'success', request: { body: null } });
    expect(JSON.stringify(heraldAttempt)).not.toContain('4111');
    expect((await heraldMessage(app.id, secret.id)).data).toBeNull();
    // The other message keeps its content; a resend of the expunged one has nothing to send.
    expect((await svix.message.get(app.id, kept.id)).payload).toEqual({ card: 'none' });
    const resend = await svix.messageAttempt.resend(app.id, secret.id, ep.id).catch((err: unknown) => err as { code: number });
    expect(resend).toMatchObject({ code: 410 });
    // Again (by eventId, as Svix's {msg_id} takes it) is still 204; an unknown message is 404.
    expect((await herald.api('DELETE', `/api/v1/app/${app.id}/msg/evt-secret/content`)).status).toBe(204);
    expect((await herald.api('DELETE', `/api/v1/app/${app.id}/msg/msg_01ARZ3NDEKTSV4RRFFQ69G5FAV/content`)).status).toBe(404);
  });

  it('leaves a message being delivered its payload until the delivery settles, then the purger clears it', async () => {
    const app = await svix.application.create({ name: 'Expunge pending' });
    await svix.endpoint.create(app.id, { url: `${receiver.url}/hold/${app.id}` });
    const msg = await svix.message.create(app.id, { eventType: 'exp.two', payload: { n: 1 } });
    await eventually(() => receiver.requests.find((r) => r.url === `/hold/${app.id}`));

    // Herald's own route says what happened: deferred while the delivery is in flight.
    const expunged = await herald.api('DELETE', `/api/v1/apps/${app.id}/messages/${msg.id}/content`);
    expect(expunged).toMatchObject({ status: 200, body: { id: msg.id, content: 'deferred' } });
    expect((await svix.message.get(app.id, msg.id)).payload).toEqual({ n: 1 });
    for (const release of held.splice(0)) release();
    await eventually(async () => (await svix.messageAttempt.listByMsg(app.id, msg.id)).data.length === 1);
    await eventually(async () => (await herald.operations.retention!.runPass()).messages > 0 || (await svix.message.get(app.id, msg.id)).payload.expired);
    expect((await svix.message.get(app.id, msg.id)).payload).toEqual({ expired: true });
    expect((await herald.api('DELETE', `/api/v1/apps/${app.id}/messages/${msg.id}/content`)).body).toEqual({ id: msg.id, content: 'expunged' });
  });

  it('is another app\'s 404 and not a portal link\'s to call', async () => {
    const mine = await svix.application.create({ name: 'Mine' });
    const theirs = await svix.application.create({ name: 'Theirs' });
    const msg = await svix.message.create(theirs.id, { eventType: 'exp.three', payload: { x: 1 } });
    const token = (await herald.api('POST', `/api/v1/apps/${mine.id}/tokens`, { name: 'backend' })).body.token as string;
    const tenant = new Svix(token, { serverUrl: herald.url });
    expect(await tenant.message.expungeContent(theirs.id, msg.id).catch((err: unknown) => err)).toMatchObject({ code: 404 });
    expect(await tenant.message.expungeContent(mine.id, msg.id).catch((err: unknown) => err)).toMatchObject({ code: 404 });
    const portal = (await herald.api('POST', `/api/v1/apps/${theirs.id}/portal-link`, { expiresIn: 600 })).body.token as string;
    const viaPortal = await fetch(`${herald.url}/api/v1/apps/${theirs.id}/messages/${msg.id}/content`, { method: 'DELETE', headers: { authorization: `Bearer ${portal}` } });
    expect(viaPortal.status).toBe(403);
    expect((await svix.message.get(theirs.id, msg.id)).payload).toEqual({ x: 1 });
  });
});
