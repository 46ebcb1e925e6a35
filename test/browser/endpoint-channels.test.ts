import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, openPage, signInAsAdmin, skipBrowserTests } from './browser.js';

// The endpoint form's Channels field (docs/channels.md): it shows the stored channels, saves what
// is typed (comma-separated), clears them when emptied, and shows a refused name next to the field.

const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('the endpoint form\'s Channels field in Chromium', () => {
  let herald: TestHerald;
  let browser: Browser;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;

  beforeAll(async () => {
    herald = await startTestHerald({ tokenRateLimit: 0 });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp' })).body.id;
    browser = await launchBrowser();
    page = await openPage(browser, consoleErrors);
    await signInAsAdmin(page, herald.url, herald.token);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });

  const channelsField = () => page.getByLabel('Channels (optional)');
  const stored = async (id: string) => (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${id}`)).body.channels;

  async function openEdit(endpointId: string) {
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${endpointId}/edit`);
    await expect.poll(() => page.getByLabel('Payload URL').inputValue()).toBe('https://example.org/channelled');
  }

  it('shows the stored channels, saves typed ones, and clears them', async () => {
    const endpoint = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.org/channelled', name: 'Channelled', channels: ['project-1'] })).body;
    await openEdit(endpoint.id);
    await expect.poll(() => channelsField().inputValue()).toBe('project-1');
    await channelsField().fill('project-1, ops:alerts');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Channelled' }).waitFor();
    await expect.poll(() => stored(endpoint.id)).toEqual(['project-1', 'ops:alerts']);
    // The endpoint's page lists them.
    await expect.poll(() => page.locator('dt:text-is("Channels") + dd').textContent()).toBe('project-1, ops:alerts');

    await openEdit(endpoint.id);
    await expect.poll(() => channelsField().inputValue()).toBe('project-1, ops:alerts');
    await channelsField().fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Channelled' }).waitFor();
    await expect.poll(() => stored(endpoint.id)).toEqual([]);
  }, STEP_TIMEOUT);

  it('shows a refused channel name at the field and saves nothing', async () => {
    const endpoint = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.org/channelled', name: 'Refused' })).body;
    await openEdit(endpoint.id);
    await channelsField().fill('ok, not/allowed');
    // The refused PATCH is logged by the browser as a failed request: expected here.
    consoleErrors.allow(400, `/api/v1/apps/${appId}/endpoints/${endpoint.id}`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => channelsField().getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.locator('#channels-error').textContent()).toMatch(/at most 10 channels/);
    expect(await stored(endpoint.id)).toEqual([]);
  }, STEP_TIMEOUT);
});
