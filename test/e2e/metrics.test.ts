import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

let herald: TestHerald;
let ok: Receiver;
let broken: Receiver;

async function scrape(): Promise<string> {
  const res = await fetch(`${herald.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample, e.g. value(text, 'herald_delivery_attempts_total{outcome="success",status_class="2xx"}'). */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

beforeAll(async () => {
  herald = await startTestHerald({ retrySchedule: [60_000] });
  ok = await startReceiver();
  broken = await startReceiver(() => ({ status: 503 }));
});
afterAll(async () => {
  await herald.stop();
  await ok.close();
  await broken.close();
});

describe('metrics', () => {
  it('count accepted messages, attempts by outcome and status class, latency, backlog and failure streaks', async () => {
    const before = await scrape();
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'metrics' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: ok.url });
    const bad = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: broken.url })).body;
    for (let i = 0; i < 3; i++) await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'm.x', data: { i } });

    await ok.waitFor(3);
    await broken.waitFor(3);
    const after = await eventually(async () => {
      const text = await scrape();
      const settled =
        value(text, 'herald_delivery_attempts_total{outcome="retry",status_class="5xx"}') >= 3 &&
        value(text, 'herald_delivery_attempts_total{outcome="success",status_class="2xx"}') >= 3 &&
        value(text, 'herald_pending_deliveries') === 3;
      return settled ? text : null;
    });
    expect(value(after, 'herald_messages_accepted_total') - value(before, 'herald_messages_accepted_total')).toBe(3);
    expect(value(after, 'herald_delivery_attempts_total{outcome="success",status_class="2xx"}')).toBe(3);
    expect(value(after, 'herald_delivery_attempts_total{outcome="retry",status_class="5xx"}')).toBe(3);
    expect(value(after, 'herald_attempt_duration_seconds_count{outcome="success"}')).toBe(3);
    // The failing endpoint's three retries wait a minute: they are the backlog.
    expect(value(after, 'herald_pending_deliveries')).toBe(3);
    expect(value(after, `herald_endpoint_failure_streak{endpoint_id="${bad.id}"}`)).toBe(3);
    expect(after).toContain('herald_oldest_due_delivery_age_seconds');
    expect(after).toContain('herald_dispatcher_in_flight');
    expect(after).toContain('herald_process_resident_memory_bytes');
  });

  it('serves readiness from the store and liveness cheaply', async () => {
    expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${herald.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });
});
