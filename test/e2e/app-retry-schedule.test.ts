import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// An app's retrySchedule applies to its endpoints that have none of their own (and an endpoint's
// own schedule wins). The test reads when the next attempt is scheduled (the store's earliest due
// time: one pending delivery at a time here) instead of waiting for it.

let herald: TestHerald;
let receiver: Receiver;

beforeAll(async () => {
  // The test Herald's default schedule is 50 ms, 100 ms, …: far from the schedules set below.
  herald = await startTestHerald();
  receiver = await startReceiver(() => ({ status: 500, body: 'down' }));
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

async function firstAttemptThenNextDue(appId: string, endpointId: string): Promise<number> {
  const msg = (await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'a.b', data: {} })).body;
  const attempt = await eventually(async () => (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msg.id}/attempts`)).body.data[0]);
  expect(attempt).toMatchObject({ endpointId, status: 'failed', responseStatus: 500 });
  const nextDue = await herald.store.nextDueAt();
  // Stop the delivery so the next case starts with nothing pending.
  expect((await herald.api('DELETE', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).status).toBe(204);
  return nextDue! - Date.parse(attempt.createdAt);
}

describe("an app's retry schedule", () => {
  it('sets the delay before the next attempt for endpoints without their own', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'hourly', retrySchedule: ['PT1H'] })).body;
    expect(app.retrySchedule).toEqual(['PT1H']);
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).body;
    const delay = await firstAttemptThenNextDue(app.id, ep.id);
    // One hour, ±20 % jitter.
    expect(delay).toBeGreaterThanOrEqual(0.8 * 3_600_000);
    expect(delay).toBeLessThanOrEqual(1.2 * 3_600_000);
  });

  it("yields to an endpoint's own schedule", async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'hourly 2', retrySchedule: ['PT1H'] })).body;
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url, retrySchedule: ['PT10M'] })).body;
    const delay = await firstAttemptThenNextDue(app.id, ep.id);
    expect(delay).toBeGreaterThanOrEqual(0.8 * 600_000);
    expect(delay).toBeLessThanOrEqual(1.2 * 600_000);
  });

  it('gives up after its last step', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'one retry', retrySchedule: ['PT0.05S'] })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url });
    const msg = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b', data: {} })).body;
    await eventually(async () => (await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`)).body.data.length === 2);
    // Nothing pending: the default schedule (four retries) would still be retrying.
    await eventually(async () => (await herald.store.nextDueAt()) === null);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`)).body.data).toHaveLength(2);
  });
});
