import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Bulk recovery: after an outage, resend exactly what failed, as new deliveries of the same messages.

let herald: TestHerald;
let receiver: Receiver;
/** While true, the receiver refuses messages whose data says `fail`. */
let outage = true;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver((req) => (outage && JSON.parse(req.body).data.fail ? { status: 500 } : { status: 200 }));
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

const idsReceived = () => receiver.requests.map((r) => r.headers['webhook-id']!);

async function publishAndSettle(appId: string, endpointId: string, fails: boolean[]): Promise<{ failed: string[]; delivered: string[] }> {
  const ids: string[] = [];
  for (const [i, fail] of fails.entries()) {
    ids.push((await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'order.shipped', data: { i, fail } })).body.id);
  }
  // Every delivery ends: a success, or a failure after its one retry.
  await eventually(async () => {
    const attempts = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}/attempts?limit=250`)).body.data as any[];
    return ids.every((id, i) => attempts.filter((a) => a.msgId === id).length === (fails[i] ? 2 : 1));
  });
  return { failed: ids.filter((_, i) => fails[i]), delivered: ids.filter((_, i) => !fails[i]) };
}

describe('POST …/endpoints/{endpointId}/recover', () => {
  it('resends exactly the failed messages since a time, as a background task with progress', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Shop', uid: 'shop' })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT0.05S'] })).body;
    const since = new Date(Date.now() - 1000).toISOString();
    const { failed, delivered } = await publishAndSettle(app.id, ep.id, [true, false, true, true, false]);

    outage = false;
    const before = receiver.requests.length;
    const started = await herald.api('POST', `/api/v1/apps/shop/endpoints/${ep.id}/recover`, { since });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^tsk_/), status: expect.any(String), total: 3, endpointId: ep.id, since });

    const task = await eventually(async () => {
      const t = (await herald.api('GET', `/api/v1/apps/${app.id}/tasks/${started.body.id}`)).body;
      return t.status === 'finished' ? t : null;
    });
    expect(task).toMatchObject({ total: 3, done: 3, error: null });
    await receiver.waitFor(before + 3);
    const resent = idsReceived().slice(before);
    expect(resent.sort()).toEqual([...failed].sort());
    expect(resent).not.toContain(delivered[0]);

    // Nothing is left to recover: a second run resends nothing.
    const again = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/recover`, { since });
    expect(again.body).toMatchObject({ status: 'finished', total: 0, done: 0 });
    // Tasks belong to their app.
    const other = (await herald.api('POST', '/api/v1/apps', { name: 'Other' })).body;
    expect((await herald.api('GET', `/api/v1/apps/${other.id}/tasks/${started.body.id}`)).status).toBe(404);
    expect((await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/recover`, { since: 'yesterday' })).status).toBe(400);
  });

  it('is driven from the CLI with a progress bar', async () => {
    outage = true;
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Books' })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT0.05S'] })).body;
    const { failed } = await publishAndSettle(app.id, ep.id, [true, true, false]);
    outage = false;
    const before = receiver.requests.length;

    const env = { HERALD_URL: herald.url, HERALD_TOKEN: herald.token };
    const run = await runCli(['endpoints', 'recover', '--app', app.id, '--endpoint', ep.id, '--since', '1h'], { env });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('2/2');
    expect(run.out).toMatch(/resent 2 failed messages since .* \(task tsk_/);
    await receiver.waitFor(before + 2);
    expect(idsReceived().slice(before).sort()).toEqual([...failed].sort());
  });
});
