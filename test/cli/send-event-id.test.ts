import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { runCli } from './run-cli.js';

// `herald send --event-id --timestamp`: the publisher's own event id and time (issue 17).

let herald: TestHerald;
let receiver: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver();
  env = { HERALD_URL: herald.url, HERALD_TOKEN: herald.token };
  await herald.api('POST', '/api/v1/apps', { name: 'Coworking', uid: 'cowork' });
  await herald.api('POST', '/api/v1/apps/cowork/endpoints', { url: `${receiver.url}/hooks` });
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

describe('herald send --event-id --timestamp', () => {
  it('publishes with them, and a repeat of the event id sends nothing new', async () => {
    const args = ['send', '--app', 'cowork', '--event-type', 'member.removed', '--data', '{"id": 7}', '--event-id', '5f8715ca1e74e400d4164ea6', '--timestamp', '2020-10-14T15:14:18.042Z'];
    const run = await runCli([...args, '--json'], { env });
    expect(run.code, run.err).toBe(0);
    const published = JSON.parse(run.out);
    expect(published).toMatchObject({ eventId: '5f8715ca1e74e400d4164ea6', timestamp: '2020-10-14T15:14:18.042Z', duplicate: false });
    const delivered = await eventually(() => receiver.requests.find((r) => r.headers['webhook-id'] === published.id));
    expect(JSON.parse(delivered.body)).toEqual({ type: 'member.removed', timestamp: '2020-10-14T15:14:18.042Z', data: { id: 7 } });

    const again = await runCli(args, { env });
    expect(again.code).toBe(0);
    expect(again.out).toBe(`✓ ${published.id} already published with this idempotency key or event id (${published.createdAt}); nothing new sent\n`);
  });

  it('says what is wrong with a bad timestamp', async () => {
    const run = await runCli(['send', '--app', 'cowork', '--event-type', 'x', '--data', '{}', '--timestamp', 'yesterday'], { env });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/timestamp/);
  });
});
