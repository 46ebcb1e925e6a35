import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// Payload filters in the endpoint form (docs/filters.md), as a tenant sees it through a portal
// link: the filter is tried against an event type's example before saving, a wrong one is
// explained next to the field, and the endpoint page shows the filter and its failures.

const SHOTS = 'test-results/payload-filter';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('payload filter in the endpoint form (Chromium, portal link)', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;

  beforeAll(async () => {
    herald = await startTestHerald({ tokenRateLimit: 0 });
    receiver = await startReceiver();
    await herald.api('POST', '/api/v1/event-types', { name: 'invoice.paid', description: 'an invoice was paid', examples: [{ amount: 150, currency: 'EUR' }] });
    await herald.api('POST', '/api/v1/event-types', { name: 'member.added', description: 'a member joined', examples: [{ member: { country: 'DE' } }] });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp', uid: 'acme' })).body.id;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    await page.goto(link.url);
    await page.getByRole('link', { name: 'Add endpoint' }).waitFor();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await herald?.stop();
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });

  const verdict = () => page.locator('.filter-verdict');
  const tryFilter = async (filter: string, eventType: string) => {
    await page.getByLabel('Filter (optional)').fill(filter);
    await page.getByLabel('Test against the example of').selectOption(eventType);
    await page.getByRole('button', { name: "Test against this event type's example" }).click();
    await verdict().waitFor();
    return verdict().textContent();
  };

  it('tests the filter against an event type\'s example before saving', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Payload URL').waitFor();
    expect(await tryFilter('data.amount > 100 && data.currency == "EUR"', 'invoice.paid')).toBe('Matches: the invoice.paid example would be delivered.');
    await screenshot(page, `${SHOTS}/01-matches.png`);
    expect(await tryFilter('data.amount > 1000', 'invoice.paid')).toBe('No match: the invoice.paid example would not be delivered.');
    expect(await tryFilter('data.amount > 1000', 'member.added')).toMatch(/^Fails on the member\.added example, which counts as no match \(not delivered\): .*amount/);
    expect(await tryFilter('data.amount >', 'invoice.paid')).toMatch(/^The filter is not valid: .*\(line 1, column 14\)\.$/);
    await screenshot(page, `${SHOTS}/02-invalid.png`);
  }, STEP_TIMEOUT);

  it('explains a refused filter next to its field, then saves one and shows it with its failures', async () => {
    await page.getByLabel('Payload URL').fill(`${receiver.url}/filtered`);
    await page.getByLabel('Name (optional)').fill('Big invoices');
    await page.getByLabel('Filter (optional)').fill('data.note.matches("^(a+)+$")');
    consoleErrors.allow(400, `/apps/${appId}/endpoints`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const fieldError = page.locator('[data-field-error="filter"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/^Matches\(\) is not available in filters.*\(line 1, column \d+\)$/);
    expect(await page.getByLabel('Filter (optional)').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, `${SHOTS}/03-refused.png`);

    await page.getByLabel('Filter (optional)').fill('data.amount > 100');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: 'Big invoices' }).waitFor();
    const [stored] = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data;
    expect(stored.filter).toBe('data.amount > 100');

    // A message without `amount` makes the filter fail: the endpoint page says so after a reload.
    const failing = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'member.added', data: { member: {} } });
    expect(failing.body.deliveries).toBe(0);
    await page.reload();
    const failures = page.locator('.filter-errors');
    await expect.poll(async () => (await failures.count()) > 0 ? failures.textContent() : null).toMatch(/^Failed on 1 message \(not delivered here\), last at .*: .*amount/);
    expect(await page.locator('dl.summary').textContent()).toContain('data.amount > 100');
    await screenshot(page, `${SHOTS}/04-endpoint-page.png`);

    // Editing shows the stored filter.
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.getByLabel('Filter (optional)').inputValue()).toBe('data.amount > 100');
    const delivered = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'invoice.paid', data: { amount: 500 } });
    expect(delivered.body.deliveries).toBe(1);
    await eventually(() => receiver.requests.some((r) => r.url === '/filtered'));
  }, STEP_TIMEOUT);
});
