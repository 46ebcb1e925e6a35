import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DASHBOARD_DIR } from '../../src/api/routes/dashboard.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { skipOutsideCi } from '../helpers/skip-outside-ci.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// The API the dashboard added (stats, messages by entity) and how the dashboard itself is served.

let herald: TestHerald;
let receiver: Receiver;
let appId: string;

beforeAll(async () => {
  herald = await startTestHerald();
  // Every third request fails, so the success rate is neither 0 nor 1.
  receiver = await startReceiver((_req, i) => ({ status: i % 3 === 2 ? 500 : 200, body: 'ok' }));
  appId = (await herald.api('POST', '/api/v1/apps', { name: 'Stats', uid: 'stats' })).body.id;
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

describe('GET …/endpoints/{id}/stats', () => {
  it('counts attempts, successes and latency in 24 hourly buckets', async () => {
    // No retries: each message makes exactly one attempt.
    const ep = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: receiver.url, retrySchedule: [] })).body;
    for (let i = 0; i < 6; i++) await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'a.b', data: { i } });
    const stats = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${ep.id}/stats`);
      return res.body.totals.attempts === 6 ? res.body : null;
    });
    expect(stats.bucket).toBe('PT1H');
    expect(stats.buckets).toHaveLength(24);
    expect(stats.totals).toMatchObject({ attempts: 6, successes: 4, failures: 2 });
    expect(stats.totals.successRate).toBeCloseTo(4 / 6);
    const current = stats.buckets.at(-1);
    expect(current).toMatchObject({ attempts: 6, successes: 4 });
    expect(current.maxLatencyMs).toBeGreaterThanOrEqual(current.avgLatencyMs);
    // Hours without attempts are gaps, not zero per cent.
    expect(stats.buckets[0]).toMatchObject({ attempts: 0, successRate: null, avgLatencyMs: null });
    expect(Date.parse(current.start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(stats.buckets[0].start)).toBe(Date.parse(current.start) - 23 * 3_600_000);
  });

  it('answers 404 for an unknown endpoint', async () => {
    const res = await herald.api('GET', `/api/v1/apps/${appId}/endpoints/ep_01ARZ3NDEKTSV4RRFFQ69G5FAV/stats`);
    expect(res.status).toBe(404);
  });
});

describe('GET …/entities/{type}/{id}/messages', () => {
  it('finds the messages about one entity, whether its id was published as a number or a string', async () => {
    const publish = (entity: unknown) => herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'agreement.created', data: {}, entity });
    const a = (await publish({ type: 'Agreement', id: 25 })).body.id;
    const b = (await publish({ type: 'Agreement', id: '25' })).body.id;
    await publish({ type: 'Agreement', id: 26 });
    await publish({ type: 'Member', id: 25 });
    const found = (await herald.api('GET', `/api/v1/apps/${appId}/entities/Agreement/25/messages`)).body;
    expect(found.data.map((m: { id: string }) => m.id)).toEqual([b, a]);
    expect(found.done).toBe(true);
    const paged = (await herald.api('GET', `/api/v1/apps/${appId}/entities/Agreement/25/messages?limit=1`)).body;
    expect(paged).toMatchObject({ done: false, data: [{ id: b }] });
    const next = (await herald.api('GET', `/api/v1/apps/${appId}/entities/Agreement/25/messages?limit=1&iterator=${paged.iterator}`)).body;
    expect(next.data.map((m: { id: string }) => m.id)).toEqual([a]);
  });
});

// In CI (CI=true) an unbuilt dashboard fails the run rather than skipping it.
const dashboardMissing = existsSync(`${DASHBOARD_DIR}/index.html`) ? null : 'the dashboard is not built (npx vite build, or npm run build)';

describe.skipIf(skipOutsideCi('Dashboard serving tests', dashboardMissing))('the dashboard at /', () => {
  it('serves the page with a strict content security policy, and hashed assets for a year', async () => {
    const page = await fetch(`${herald.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const asset = /(?:src|href)="\.\/(assets\/[^"]+\.js)"/.exec(await page.text())![1];
    const js = await fetch(`${herald.url}/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await js.text()).length).toBeGreaterThan(0);
  });

  it('redirects a path to the matching screen, and keeps 404 for missing files and API paths', async () => {
    const deep = await fetch(`${herald.url}/apps/acme`, { redirect: 'manual' });
    expect(deep.status).toBe(302);
    expect(new URL(deep.headers.get('location')!, `${herald.url}/apps/acme`).href).toBe(`${herald.url}/#/apps/acme`);
    await deep.body?.cancel();
    const missing = await fetch(`${herald.url}/assets/missing.js`);
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
    const api = await herald.api('GET', '/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('not_found');
  });
});
