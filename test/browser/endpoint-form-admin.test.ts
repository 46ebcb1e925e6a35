import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// Issue 16: the endpoint form starts with Destination, Events and Signing and folds the rest into
// "Advanced" (every option still there, ordering included); a refused value is explained next to
// its field in words, not a validator's; and the admin renames and deletes apps and manages their
// tokens. A real Herald, a real receiver and Chromium; every check a user could make.

const SHOTS = 'test-results/endpoint-form';
const STEP_TIMEOUT = 60_000;
const AJV_WORDING = /must match pattern|must NOT have|must match a schema|must be equal to|\^\[A-Za-z/;

const skip = skipBrowserTests();

describe.skipIf(skip)('endpoint form and app administration in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;

  beforeAll(async () => {
    herald = await startTestHerald({ tokenRateLimit: 0 });
    receiver = await startReceiver();
    await herald.api('POST', '/api/v1/event-types', { name: 'member.removed', description: 'a member left' });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp', uid: 'acme' })).body.id;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: herald.url });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(herald.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await herald?.stop();
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });

  const openNewEndpointForm = async () => {
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Payload URL').waitFor();
  };
  const advanced = () => page.locator('details.advanced');

  it('shows Destination, Events and Signing first, and every other option in an "Advanced" fold', async () => {
    await openNewEndpointForm();
    const visibleLegends = await page.locator('form.endpoint-form > fieldset.section > legend').allTextContents();
    expect(visibleLegends).toEqual(['Destination', 'Events', 'Signing']);
    expect(await advanced().locator('summary').textContent()).toMatch(/^Advanced/);
    expect(await advanced().getAttribute('open')).toBeNull();
    expect(await advanced().locator(':scope > fieldset.section > legend').allTextContents()).toEqual(['Request', 'TLS (https endpoints)', 'Retries and delivery']);
    expect(await page.getByLabel('Delivery order').isVisible()).toBe(false);
    await screenshot(page, `${SHOTS}/01-form-folded.png`);

    await advanced().locator('summary').click();
    // Every endpoint option has its control: the primary ones and, now visible, the folded ones.
    for (const label of ['Payload URL', 'Name (optional)', 'Description (optional)', 'Entity types (optional)', 'Method', 'Timeout',
      'Payload format', 'Trusted CA certificates', 'Client certificate', 'Client private key', 'Key passphrase',
      'Retry schedule (optional)', 'Rate limit (requests per second, optional)', 'Delivery order']) {
      expect(await page.getByLabel(label, { exact: true }).isVisible(), label).toBe(true);
    }
    expect(await page.getByRole('switch', { name: /Enabled/ }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add header' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add parameter' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Skip certificate verification').isVisible()).toBe(true);
    expect(await page.getByLabel('Delivery order').locator('option').allTextContents()).toEqual(['Any order (fastest)', 'One at a time per entity, in publish order']);
    await screenshot(page, `${SHOTS}/02-form-advanced-open.png`);
  }, STEP_TIMEOUT);

  it('stores exactly the ordering, rate limit, header, retry schedule and timeout set in the form', async () => {
    await openNewEndpointForm();
    await page.getByLabel('Payload URL').fill(`${receiver.url}/ordered`);
    await page.getByLabel('Name (optional)').fill('Ordered receiver');
    await advanced().locator('summary').click();
    await page.getByLabel('Delivery order').selectOption('entity');
    await page.getByLabel('Rate limit (requests per second, optional)').fill('5');
    await page.getByRole('button', { name: 'Add header' }).click(); // with Signing
    await page.getByLabel('Header 1', { exact: true }).fill('x-api-key');
    await page.getByLabel('Value 1', { exact: true }).fill('k-123');
    await page.getByLabel('Retry schedule (optional)').fill('5s, 1m, 2h');
    await page.getByLabel('Timeout', { exact: true }).fill('45s');
    await screenshot(page, `${SHOTS}/03-form-filled.png`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: 'Ordered receiver' }).waitFor();

    const [stored] = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data;
    expect(stored).toMatchObject({
      url: `${receiver.url}/ordered`, ordering: 'entity', rateLimit: 5, headers: { 'x-api-key': 'k-123' },
      retrySchedule: ['PT5S', 'PT1M', 'PT2H'], timeout: 'PT45S', method: 'POST', disabled: false, query: {},
    });
    // Opening it again for editing shows the same values, and saving without changes keeps them.
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${stored.id}/edit`);
    await page.getByLabel('Payload URL').waitFor();
    await advanced().locator('summary').click();
    expect(await page.getByLabel('Delivery order').inputValue()).toBe('entity');
    expect(await page.getByLabel('Timeout', { exact: true }).inputValue()).toBe('45s');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Ordered receiver' }).waitFor();
    const again = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${stored.id}`)).body;
    expect(again).toMatchObject({ ordering: 'entity', rateLimit: 5, headers: { 'x-api-key': 'k-123' }, retrySchedule: ['PT5S', 'PT1M', 'PT2H'], timeout: 'PT45S' });
  }, STEP_TIMEOUT);

  /** Submits the form as filled, expecting the API's 400, and answers the message shown at `field`. */
  async function refusedAt(field: string): Promise<string> {
    consoleErrors.allow(400, `/apps/${appId}/endpoints`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const error = page.locator(`[data-field-error="${field}"]`);
    await error.waitFor();
    const text = (await error.textContent())!;
    expect(text).not.toMatch(AJV_WORDING);
    expect(await page.locator('.note-error[role="alert"]').count(), 'no message above the form').toBe(0);
    return text;
  }

  it('explains a refused value next to its field, in words, never a validator dump', async () => {
    await openNewEndpointForm();
    await page.getByLabel('Payload URL').fill(`${receiver.url}/bad`);
    await page.getByRole('switch', { name: 'Send me everything' }).uncheck();
    await page.getByLabel('Other event type').fill('member removed');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await refusedAt('eventTypes')).toBe("Use letters, digits, '.', '_', ':' or '-' in event type names (at most 128 characters, no spaces).");
    await screenshot(page, `${SHOTS}/04-error-event-type.png`);
    await page.getByRole('switch', { name: 'Send me everything' }).check();

    // A header name with a space (custom headers sit with Signing, unfolded).
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1', { exact: true }).fill('x api key');
    await page.getByLabel('Value 1', { exact: true }).fill('v');
    const headerError = await refusedAt('headers');
    expect(headerError).toMatch(/^Header "x api key" is not a valid header name: use letters, digits/);
    await screenshot(page, `${SHOTS}/05-error-header.png`);
    await page.getByRole('button', { name: 'Remove header 1' }).click();

    // A timeout over 15 minutes, typed in the fold and folded again: the fold opens by itself, so the message is seen.
    await advanced().locator('summary').click();
    await page.getByLabel('Timeout', { exact: true }).fill('PT16M');
    await advanced().locator('summary').click();
    expect(await advanced().getAttribute('open')).toBeNull();
    expect(await refusedAt('timeout')).toBe('Use a time from 100 ms to 15 minutes, e.g. 30s, 2m or PT30S.');
    expect(await advanced().getAttribute('open')).not.toBeNull();
    expect(await page.getByLabel('Timeout', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, `${SHOTS}/06-error-timeout.png`);

    await page.getByLabel('Timeout', { exact: true }).fill('30s');
    await page.getByLabel('Retry schedule (optional)').fill('soon');
    expect(await refusedAt('retry-schedule')).toBe('Write each delay as 5s, 5m, 2h or 1d (or ISO 8601 such as PT5S), separated by commas.');
    // Nothing refused was stored: still only the one endpoint of the step before.
    expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data).toHaveLength(1);
  }, STEP_TIMEOUT);

  it('renames an app', async () => {
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await page.getByLabel('App name').waitFor();
    await expect.poll(() => page.getByLabel('App name').inputValue()).toBe('Acme Corp');
    await page.getByLabel('App name').fill('Acme Coworking');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('Renamed.').waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.name).toBe('Acme Coworking');
    await page.locator('.crumbs', { hasText: 'Acme Coworking' }).waitFor();

    // An empty name is refused in words, next to the field.
    await page.getByLabel('App name').fill('');
    consoleErrors.allow(400, `/apps/${appId}`);
    await page.getByRole('button', { name: 'Rename' }).click();
    expect(await page.locator('[data-field-error="app-rename"]').textContent()).toBe('Give the app a name.');
  }, STEP_TIMEOUT);

  it('creates an app token shown once with a copy button, which works until revoked', async () => {
    await page.getByLabel('Token name (optional)').fill('billing backend');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('#new-token');
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    expect(token.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await screenshot(page, `${SHOTS}/07-token-shown-once.png`);

    const asToken = (path: string) => fetch(`${herald.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asToken(`/api/v1/apps/${appId}/endpoints`)).status).toBe(200);

    // Shown once: after a reload the list names it, and its text is nowhere on the page.
    await page.reload();
    const row = page.locator('tr', { hasText: 'billing backend' });
    await row.waitFor();
    expect(await page.content()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke billing backend' }).click();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await asToken(`/api/v1/apps/${appId}/endpoints`)).status).toBe(401);
  }, STEP_TIMEOUT);

  it('deletes an app after asking, and it is gone from the list and the API', async () => {
    const doomed = (await herald.api('POST', '/api/v1/apps', { name: 'Doomed Ltd' })).body.id;
    await page.goto(`${herald.url}/#/apps/${doomed}`);
    await page.getByRole('button', { name: 'Delete app…' }).click();
    await page.getByText('Delete “Doomed Ltd” and everything in it?').waitFor();
    await screenshot(page, `${SHOTS}/08-delete-confirm.png`);
    // Keeping it changes nothing.
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect((await herald.api('GET', `/api/v1/apps/${doomed}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete app…' }).click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Acme Coworking' }).waitFor();
    expect(await page.getByRole('link', { name: 'Doomed Ltd' }).count()).toBe(0);
    expect((await herald.api('GET', `/api/v1/apps/${doomed}`)).status).toBe(404);
  }, STEP_TIMEOUT);
});
