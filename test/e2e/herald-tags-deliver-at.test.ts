import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { Herald } from '../../src/sdk/client.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Herald's own publish (single and batch) takes `tags` and `deliverAt`, as Svix's does (migration 25):
// answered on messages, `?tag=` filters the message list, and a scheduled message arrives at its
// time. Through HTTP and herald/client, with the svix SDK reading the same messages, against a real
// Herald and receiver, on both stores.

warnIfNoPostgres("Herald's own tags and deliverAt on PostgreSQL");
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)("Herald's own publish with tags and deliverAt ($store)", ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let client: Herald;
  let svix: Svix;

  beforeAll(async () => {
    schema = pg ? testSchema('herald-tags-deliver-at') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    client = new Herald({ url: herald.url, token: herald.token });
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('keeps tags on single and batch publishes, answers them, and filters the message list by tag', async () => {
    const app = await client.apps.create({ name: 'Tagged' });
    const one = await client.messages.create(app.id, { eventType: 'tag.a', data: { n: 1 }, tags: ['project_1', 'team/a#b'] });
    expect(one).toMatchObject({ tags: ['project_1', 'team/a#b'], deliverAt: null });
    const batch = await client.messages.createBatch(app.id, [
      { eventType: 'tag.a', data: { n: 2 }, tags: ['project_2'] },
      { eventType: 'tag.a', data: { n: 3 } },
    ]);
    expect(batch.data.map((m) => m.tags)).toEqual([['project_2'], []]);
    expect((await client.messages.get(app.id, one.id)).tags).toEqual(['project_1', 'team/a#b']);

    const listed = async (tag: string) => (await client.messages.list(app.id, { tag })).data.map((m) => m.id);
    expect(await listed('project_1')).toEqual([one.id]);
    expect(await listed('team/a#b')).toEqual([one.id]);
    expect(await listed('project_2')).toEqual([batch.data[0]!.id]);
    expect(await listed('project')).toEqual([]);
    // The same messages, as Svix's SDK reads them.
    expect((await svix.message.list(app.id, { tag: 'project_2' })).data.map((m) => [m.id, m.tags])).toEqual([[batch.data[0]!.id, ['project_2']]]);
    expect((await svix.message.get(app.id, one.id)).tags).toEqual(['project_1', 'team/a#b']);

    // Svix's limits, on both publish routes and the filter (Herald's schema errors are 400).
    const status = async (path: string, body: unknown) => (await herald.api('POST', `/api/v1/apps/${app.id}${path}`, body)).status;
    expect(await status('/messages', { eventType: 'tag.a', data: {}, tags: ['a', 'b', 'c', 'd', 'e', 'f'] })).toBe(400);
    expect(await status('/messages', { eventType: 'tag.a', data: {}, tags: ['same', 'same'] })).toBe(400);
    expect(await status('/messages/batch', { messages: [{ eventType: 'tag.a', data: {}, tags: ['has space'] }] })).toBe(400);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages?tag=${encodeURIComponent('no space')}`)).status).toBe(400);
  });

  it('sends a message published with deliverAt not before that time, single and batch; more than a day ahead is refused (400)', async () => {
    const app = await client.apps.create({ name: 'Scheduled' });
    await client.endpoints.create(app.id, { url: `${receiver.url}/own-later/${app.id}` });
    const at = new Date(Date.now() + 2000);
    // Any RFC 3339 form is taken and answered in Herald's (UTC, milliseconds).
    const local = at.toISOString().replace('Z', '+00:00');
    const single = await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'sched.a', data: { n: 1 }, deliverAt: local });
    expect(single).toMatchObject({ status: 202, body: { deliverAt: at.toISOString() } });
    const batch = await client.messages.createBatch(app.id, [{ eventType: 'sched.a', data: { n: 2 }, deliverAt: at.toISOString() }]);
    expect(batch.data[0]!.deliverAt).toBe(at.toISOString());
    expect((await client.messages.get(app.id, single.body.id)).deliverAt).toBe(at.toISOString());
    expect((await svix.message.get(app.id, single.body.id)).deliverAt?.getTime()).toBe(at.getTime());

    await receiver.waitFor(2, 15_000);
    const arrived = receiver.requests.filter((r) => r.url === `/own-later/${app.id}`);
    // Herald's endpoints send the standard envelope: the data is its `data`.
    expect(arrived.map((r) => JSON.parse(r.body).data.n).sort()).toEqual([1, 2]);
    for (const r of arrived) expect(r.at).toBeGreaterThanOrEqual(at.getTime());
    await eventually(async () => (await client.messages.get(app.id, single.body.id)).delivery.state === 'delivered');

    const tooFar = new Date(Date.now() + 25 * 3_600_000).toISOString();
    const refused = await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'sched.a', data: {}, deliverAt: tooFar });
    expect(refused).toMatchObject({ status: 400, body: { code: 'validation_error', message: expect.stringContaining('24 hours') } });
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: [{ eventType: 'sched.a', data: {}, deliverAt: tooFar }] })).status).toBe(400);
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'sched.a', data: {}, deliverAt: 'tomorrow' })).status).toBe(400);
  });
});
