import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, openPage, signInAsAdmin, skipBrowserTests } from './browser.js';

// A field that waits for its saved value (read-only while it loads) must keep what the admin types
// the moment it becomes editable. CI once failed on the allowed-origins box: the saved value was
// put in by an effect that ran after paint, up to 100 ms after the box became editable, and it
// replaced what had been typed meanwhile, so "Save" sent the old value. Here the typing happens in
// the very task that makes the field editable (a MutationObserver on its `readonly` attribute),
// the earliest a person or a test driver could type.

const STEP_TIMEOUT = 60_000;
const skip = skipBrowserTests();

/**
 * Types `value` into the element with `id` as soon as it stops being read-only. Page code is written
 * as a string: the tests are type-checked without the DOM's types.
 */
function typeWhenEditable(page: Page, id: string, value: string): Promise<void> {
  return page.evaluate(`window.__typed = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const field = document.getElementById(${JSON.stringify(id)});
      if (!field || field.readOnly) return;
      observer.disconnect();
      const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(field, ${JSON.stringify(value)});
      field.dispatchEvent(new Event('input', { bubbles: true }));
      resolve();
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['readonly'] });
  }); undefined`);
}

/** Waits until the typing happened, then two frames and a bit: long enough for effects run after paint. */
async function settleAfterTyping(page: Page): Promise<void> {
  await page.evaluate(`(async () => {
    await window.__typed;
    for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
  })()`);
}

describe.skipIf(skip)('what is typed as a loading field becomes editable, in Chromium', () => {
  let herald: TestHerald;
  let browser: Browser;
  let page: Page;
  let appId: string;
  const consoleErrors = new ConsoleErrors();

  beforeAll(async () => {
    herald = await startTestHerald();
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp' })).body.id;
    await herald.api('PATCH', `/api/v1/apps/${appId}`, { allowedOrigins: ['https://old.acme.test'] });
    await herald.api('PUT', `/api/v1/apps/${appId}/branding`, { productName: 'Old name' });
    browser = await launchBrowser();
    page = await openPage(browser, consoleErrors);
    await signInAsAdmin(page, herald.url, herald.token);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
    expect(consoleErrors.unexpected).toEqual([]);
  });

  it('saves the allowed origins typed, not the ones loaded', async () => {
    await typeWhenEditable(page, 'embed-origins', 'https://new.acme.test');
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await settleAfterTyping(page);
    await expect.poll(() => page.locator('#embed-origins').inputValue()).toBe('https://new.acme.test');
    await page.getByRole('button', { name: 'Save origins' }).click();
    await page.getByRole('status').filter({ hasText: 'Allowed origins saved' }).waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.allowedOrigins).toEqual(['https://new.acme.test']);
  });

  it('saves the product name typed, not the one loaded', async () => {
    await page.goto(`${herald.url}/#/apps`);
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await typeWhenEditable(page, 'brand-name', 'New name');
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await settleAfterTyping(page);
    await expect.poll(() => page.locator('#brand-name').inputValue()).toBe('New name');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(async () => (await herald.api('GET', `/api/v1/apps/${appId}/branding`)).body.own.productName).toBe('New name');
  });
});
