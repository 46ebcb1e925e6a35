import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, openPage, signInAsAdmin, skipBrowserTests } from './browser.js';

// The endpoint form's "Forward trace context" switch (docs/tracing.md), under Advanced: on by
// default, it shows the stored setting, and turning it off is saved.

const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('the forward-trace-context switch in Chromium', () => {
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

  const traceSwitch = () => page.getByRole('switch', { name: /Forward trace context/ });

  async function openEdit(endpointId: string) {
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${endpointId}/edit`);
    // The stored URL is in the field: the form holds the endpoint's values, not the blank form's.
    await expect.poll(() => page.getByLabel('Payload URL').inputValue()).toBe('https://example.org/traced');
    await page.locator('details.advanced summary').click();
  }

  it('shows the stored setting and saves it switched off, then on again', async () => {
    const endpoint = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.org/traced', name: 'Traced receiver' })).body;
    expect(endpoint.forwardTraceContext).toBe(true);

    await openEdit(endpoint.id);
    expect(await traceSwitch().isChecked()).toBe(true);
    await traceSwitch().uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Traced receiver' }).waitFor();
    await expect.poll(async () => (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpoint.id}`)).body.forwardTraceContext).toBe(false);

    await openEdit(endpoint.id);
    await expect.poll(() => traceSwitch().isChecked()).toBe(false);
    await traceSwitch().check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Traced receiver' }).waitFor();
    await expect.poll(async () => (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpoint.id}`)).body.forwardTraceContext).toBe(true);
  }, STEP_TIMEOUT);
});
