import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// "What is failing", in Chromium: the messages list shows each message's delivery state with the
// per-endpoint detail on hover, the message page a table of endpoint states with the next retry
// and the last failure, the endpoint page its deliveries waiting to be sent with their next retry,
// and attempts their reason. The browser runs in Europe/Paris, so every time must say GMT+1.

const SHOTS = 'test-results/delivery-state';
const STEP_TIMEOUT = 60_000;
/** A time as the dashboard writes it, in the browser's zone (Paris in November). */
const PARIS_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+1/;

const skip = skipBrowserTests();

describe.skipIf(skip)('delivery states in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  let appId: string;
  const ep: Record<'ok' | 'held' | 'slow' | 'dead', string> = { ok: '', held: '', slow: '', dead: '' };
  let msgId: string;
  let okOnly: string;

  beforeAll(async () => {
    herald = await startTestHerald();
    receiver = await startReceiver(async (req) => {
      if (req.url.startsWith('/slow')) return { status: 500 };
      if (req.url.startsWith('/held')) await held;
      return { status: 200 };
    });
    const gone = await startReceiver();
    await gone.close();
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp' })).body.id;
    const make = async (name: string, url: string, extra: object = {}) =>
      (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url, name, ...extra })).body.id as string;
    const orders = { eventTypes: ['order.created'] };
    ep.ok = await make('Books', `${receiver.url}/ok`);
    ep.held = await make('Slow reader', `${receiver.url}/held`, { timeout: 'PT30S', ...orders });
    ep.slow = await make('Flaky CRM', `${receiver.url}/slow`, { retrySchedule: ['PT1H'], ...orders });
    ep.dead = await make('Old server', `${gone.url}/dead`, orders);
    msgId = (await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'order.created', data: { order: 7 } })).body.id;
    okOnly = (await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'member.joined', data: { member: 1 } })).body.id;
    await eventually(async () => {
      const d = (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}`)).body.delivery;
      return d.counts.delivered === 1 && d.counts.failing === 1 && d.counts.exhausted === 1 && receiver.requests.some((r) => r.url === '/held');
    }, 15_000);

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(herald.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    release();
    await browser?.close();
    await receiver?.close();
    await herald?.stop();
  });

  it('lists each message with its state badge and the per-endpoint detail on hover', async () => {
    await page.goto(`${herald.url}/#/apps/${appId}/messages`);
    const row = page.locator('tr', { has: page.getByText(msgId) });
    const badge = row.locator('[data-state]');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('exhausted');
    expect(await page.locator('tr', { has: page.getByText(okOnly) }).locator('[data-state]').textContent()).toBe('delivered');
    await badge.hover();
    const title = (await badge.getAttribute('title'))!.split('\n');
    expect(title[0]).toBe('1 delivered, 1 pending, 1 failing, 1 exhausted');
    expect(title).toContain('Books: delivered · 1 attempt');
    expect(title.find((l) => l.startsWith('Slow reader: pending · 0 attempts'))).toBeTruthy();
    const slow = title.find((l) => l.startsWith('Flaky CRM: failing · 1 attempt · next retry '))!;
    expect(slow).toMatch(PARIS_TIME);
    expect(slow).toMatch(/· HTTP 500 Internal Server Error$/);
    expect(title.find((l) => l.startsWith('Old server: exhausted · 5 attempts · connection refused'))).toBeTruthy();
    // Every time on the list carries its zone.
    expect(await row.locator('td').first().textContent()).toMatch(PARIS_TIME);
    await screenshot(page, `${SHOTS}/01-messages.png`);
  });

  it("shows the message's state per endpoint with the next retry and the last failure", async () => {
    await page.goto(`${herald.url}/#/apps/${appId}/messages/${msgId}`);
    const table = page.getByRole('table', { name: 'Delivery state per endpoint' });
    await table.waitFor();
    const rowOf = (id: string) => table.locator(`tr[data-endpoint-id="${id}"]`);
    expect(await rowOf(ep.ok).locator('[data-state]').textContent()).toBe('delivered');
    expect(await rowOf(ep.held).locator('[data-state]').textContent()).toBe('pending');
    const slow = rowOf(ep.slow);
    expect(await slow.locator('[data-state]').textContent()).toBe('failing');
    expect(await slow.textContent()).toMatch(PARIS_TIME);
    expect(await slow.textContent()).toContain('HTTP 500 Internal Server Error');
    expect(await rowOf(ep.dead).textContent()).toContain('connection refused');
    // The attempts below say why each failed, not only that it did.
    await page.getByText('HTTP 500 Internal Server Error').nth(1).waitFor();
    await screenshot(page, `${SHOTS}/02-message-detail.png`);
  });

  it("shows an endpoint's deliveries waiting for their next retry, and its attempts' reasons", async () => {
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${ep.slow}`);
    await page.getByRole('heading', { name: 'Flaky CRM' }).waitFor();
    await page.getByRole('heading', { name: 'Waiting to be sent' }).waitFor();
    const row = page.locator('table.pending-deliveries tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-state]').textContent()).toBe('failing');
    const next = (await row.locator('td.next-attempt').textContent())!;
    expect(next).toMatch(PARIS_TIME);
    // An hour's retry, ±20 % jitter, seen from now.
    expect(next).toMatch(/\(in (4[89]|5\d) min|in 1 h( \d+ min)?\)/);
    const log = page.locator('table.attempts tbody tr[data-attempt-id]');
    await log.first().waitFor();
    expect(await log.first().textContent()).toContain('HTTP 500 Internal Server Error');
    await screenshot(page, `${SHOTS}/03-endpoint-pending.png`);

    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${ep.dead}`);
    await page.getByRole('heading', { name: 'Old server' }).waitFor();
    await expect.poll(() => page.locator('table.attempts tbody tr[data-attempt-id]').count()).toBe(5);
    expect(await page.locator('table.attempts .attempt-reason').first().textContent()).toContain('connection refused');
    expect(await page.getByRole('cell', { name: 'error', exact: true }).count()).toBe(0);
    // Nothing left to send to it: no waiting list.
    expect(await page.getByRole('heading', { name: 'Waiting to be sent' }).count()).toBe(0);
    await page.locator('tr[data-attempt-id] button.link-button').first().click();
    await page.getByRole('heading', { name: 'Request' }).waitFor();
    expect(await page.locator('.attempt-detail .note-error strong').textContent()).toMatch(/^connection refused/);
    await screenshot(page, `${SHOTS}/04-endpoint-exhausted.png`);

    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${ep.held}`);
    await page.getByRole('heading', { name: 'Slow reader' }).waitFor();
    await page.getByRole('heading', { name: 'Waiting to be sent' }).waitFor();
    expect(await page.locator('table.pending-deliveries [data-state]').first().textContent()).toBe('pending');
  });

  it('shows a portal link the same states and waiting deliveries', async () => {
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    const portal = await page.context().newPage();
    consoleErrors.watch(portal);
    await portal.goto(link.url);
    await portal.getByRole('link', { name: 'Flaky CRM' }).waitFor();
    await portal.goto(`${herald.url}/#/apps/${appId}/messages`);
    const badge = portal.locator('tr', { has: portal.getByText(msgId) }).locator('[data-state]');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('exhausted');
    expect(await badge.getAttribute('title')).toContain('Flaky CRM: failing · 1 attempt · next retry ');
    await portal.goto(`${herald.url}/#/apps/${appId}/endpoints/${ep.slow}`);
    await portal.getByRole('heading', { name: 'Waiting to be sent' }).waitFor();
    expect(await portal.locator('table.pending-deliveries td.next-attempt').first().textContent()).toMatch(PARIS_TIME);
    await screenshot(portal, `${SHOTS}/05-portal-endpoint-pending.png`);
    await portal.close();
  });

  it('logged no console errors', () => {
    expect(consoleErrors.unexpected).toEqual([]);
  });
});
