import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Channels (docs/channels.md), Svix's second routing dimension: an endpoint listing channels
// receives only messages published with one of them; an endpoint without channels receives every
// message. Through Herald's own API, single and batch publishes, and a config file. Both stores.

const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
warnIfNoPostgres('channels on PostgreSQL');

/** The `data.n` of each request a receiver got, in arrival order. */
const ns = (r: Receiver) => r.requests.map((q) => JSON.parse(q.body).data.n).sort();

describe.each(stores)('channels ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null;
  let appId: string;

  beforeAll(async () => {
    schema = pg ? testSchema('channels') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
  });
  // An app per test: delivery counts must not include another test's endpoints.
  beforeEach(async () => {
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Channelled' })).body.id;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  it('delivers a message only to endpoints whose channels it names, and to endpoints without channels', async () => {
    const projectA = await startReceiver();
    const everything = await startReceiver();
    try {
      const created = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: projectA.url, channels: ['project-a', 'ops'] });
      expect(created.status).toBe(201);
      expect(created.body.channels).toEqual(['project-a', 'ops']);
      const plain = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: everything.url });
      expect(plain.body.channels).toEqual([]);

      const outside = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'build.done', data: { n: 1 }, channels: ['project-b'] });
      expect(outside.status).toBe(202);
      expect(outside.body).toMatchObject({ channels: ['project-b'], deliveries: 1 });
      const batch = await herald.api('POST', `/api/v1/apps/${appId}/messages/batch`, {
        messages: [
          { eventType: 'build.done', data: { n: 2 }, channels: ['project-a'] },
          { eventType: 'build.done', data: { n: 3 } },
          { eventType: 'build.done', data: { n: 4 }, channels: ['ops', 'project-z'] },
        ],
      });
      expect(batch.status).toBe(202);
      expect(batch.body.data.map((m: any) => m.deliveries)).toEqual([2, 1, 2]);

      // Everything arrives at the endpoint without channels; the other gets only its two.
      await everything.waitFor(4);
      await projectA.waitFor(2);
      expect(ns(everything)).toEqual([1, 2, 3, 4]);
      expect(ns(projectA)).toEqual([2, 4]);
      // What was stored reads back with its channels, and the message it skipped has no delivery there.
      const read = await herald.api('GET', `/api/v1/apps/${appId}/messages/${outside.body.id}`);
      expect(read.body.channels).toEqual(['project-b']);
      // (The attempt is recorded once its answer is settled, a moment after the receiver saw it.)
      const attempts = await eventually(async () => {
        const data = (await herald.api('GET', `/api/v1/apps/${appId}/messages/${outside.body.id}/attempts`)).body.data;
        return data.length > 0 ? data : null;
      });
      expect(attempts.map((a: any) => a.endpointId)).toEqual([plain.body.id]);
      // The message list filters by channel (an element of the message's channels, exactly).
      const listed = await herald.api('GET', `/api/v1/apps/${appId}/messages?channel=ops`);
      expect(listed.body.data.map((m: any) => m.data.n)).toEqual([4]);
      expect((await herald.api('GET', `/api/v1/apps/${appId}/messages?channel=project-a`)).body.data.map((m: any) => m.data.n)).toEqual([2]);
      expect((await herald.api('GET', `/api/v1/apps/${appId}/messages?channel=bad%20name`)).status).toBe(400);
    } finally {
      await projectA.close();
      await everything.close();
    }
  });

  it('PATCH changes and clears an endpoint\'s channels', async () => {
    const receiver = await startReceiver();
    try {
      const ep = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, eventTypes: ['patch.test'], channels: ['one'] })).body;
      const changed = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${ep.id}`, { channels: ['two'] });
      expect(changed.body.channels).toEqual(['two']);
      expect((await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'patch.test', data: { n: 1 }, channels: ['one'] })).body.deliveries).toBe(0);
      const cleared = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${ep.id}`, { channels: [] });
      expect(cleared.body.channels).toEqual([]);
      expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${ep.id}`)).body.channels).toEqual([]);
      expect((await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'patch.test', data: { n: 2 }, channels: ['one'] })).body.deliveries).toBe(1);
      await receiver.waitFor(1);
      expect(ns(receiver)).toEqual([2]);
    } finally {
      await receiver.close();
    }
  });

  it('refuses channel names Svix refuses, more than 10 channels, and a channel listed twice', async () => {
    const bad = [['has space'], ['x'.repeat(129)], Array.from({ length: 11 }, (_, i) => `c${i}`), ['same', 'same'], [''], 'not-a-list'];
    for (const channels of bad) {
      const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'x.y', data: {}, channels });
      expect(res.status, JSON.stringify(channels)).toBe(400);
      expect(res.body.code).toBe('validation_error');
      expect(res.body.message).toMatch(/channels/);
      const ep = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.com/h', channels });
      expect(ep.status).toBe(400);
      expect(ep.body.message).toMatch(/channels/);
    }
  });

  it('takes an endpoint\'s channels from a config file', async () => {
    const receiver = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-channels-config-'));
    const configFile = join(dataDir, 'herald.config.json');
    writeFileSync(configFile, JSON.stringify({
      apps: [{ uid: 'declared', name: 'Declared', endpoints: [{ uid: 'ops-only', url: receiver.url, channels: ['ops'] }] }],
    }));
    const ownSchema = pg ? testSchema('channels-config') : null;
    const declared = await startTestHerald({ configFile, ...(ownSchema ? { database: ownSchema.url } : {}) });
    try {
      const [endpoint] = (await declared.api('GET', '/api/v1/apps/declared/endpoints')).body.data;
      expect(endpoint.channels).toEqual(['ops']);
      expect((await declared.api('POST', '/api/v1/apps/declared/messages', { eventType: 'x.y', data: { n: 1 } })).body.deliveries).toBe(0);
      expect((await declared.api('POST', '/api/v1/apps/declared/messages', { eventType: 'x.y', data: { n: 2 }, channels: ['ops'] })).body.deliveries).toBe(1);
      await receiver.waitFor(1);
      expect(ns(receiver)).toEqual([2]);
    } finally {
      await declared.stop();
      await receiver.close();
      await ownSchema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
