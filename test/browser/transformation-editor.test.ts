import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, openPage, signInAsAdmin, skipBrowserTests } from './browser.js';

// Issue 18: the endpoint form's transformation editor, in the admin dashboard and in a portal
// link: "Run against this example" shows the request that would be sent (the catalogue example
// through the code as typed, unsaved), a failing or invalid code is said in words, and saving
// stores the code. A real Herald and Chromium; nothing reaches the receiver while trying.

const SHOTS = 'test-results/transformation-editor';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('transformation editor in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;
  let endpointId: string;

  beforeAll(async () => {
    herald = await startTestHerald({ tokenRateLimit: 0 });
    receiver = await startReceiver();
    await herald.api('POST', '/api/v1/event-types', { name: 'order.paid', description: 'an order was paid', examples: [{ id: 'ord_42', total: 19.5 }] });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp' })).body.id;
    endpointId = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, {
      url: `${receiver.url}/hooks`, name: 'Orders', eventTypes: ['order.paid'],
      transformation: 'function handler(webhook) {\n  return webhook;\n}',
    })).body.id;
    browser = await launchBrowser();
    page = await openPage(browser, consoleErrors);
    await signInAsAdmin(page, herald.url, herald.token);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await herald?.stop();
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });

  const editor = () => page.getByLabel('Transformation (optional)');
  const outcome = () => page.locator('.transformation-outcome');
  const openEditPage = async () => {
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${endpointId}/edit`);
    await editor().waitFor();
    // The saved code, loaded into the (open) fold.
    await expect.poll(() => editor().inputValue()).toContain('function handler(webhook)');
  };

  it('runs the typed code against the event type\'s example and shows the request that would be sent', async () => {
    await openEditPage();
    await editor().fill([
      'function handler(webhook) {',
      "  webhook.url = webhook.url + '/' + webhook.payload.data.id;",
      "  webhook.headers['X-Total'] = String(webhook.payload.data.total);",
      '  webhook.payload = { order: webhook.payload.data.id };',
      '  return webhook;',
      '}',
    ].join('\n'));
    await page.getByRole('button', { name: 'Run against this example' }).click();
    await expect.poll(() => outcome().textContent()).toContain(`POST ${receiver.url}/hooks/ord_42`);
    const shown = (await outcome().textContent())!;
    expect(shown).toContain('X-Total: 19.5');
    expect(shown).toContain('{"order":"ord_42"}');
    expect(shown).toMatch(/webhook-signature: v1,/);
    await screenshot(page, `${SHOTS}/01-run-against-example.png`);
    // Trying sends nothing, and the saved code is still the old one.
    expect(receiver.requests).toEqual([]);
    expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).body.transformation).toBe('function handler(webhook) {\n  return webhook;\n}');
  }, STEP_TIMEOUT);

  it('says in words when the code fails, cancels, or does not compile', async () => {
    await editor().fill('function handler(webhook) {\n  return webhook.payload.missing.field;\n}');
    await page.getByRole('button', { name: 'Run against this example' }).click();
    await expect.poll(() => outcome().textContent()).toMatch(/transformation failed: TypeError: .*\(line 2/);

    await editor().fill('function handler(webhook) {\n  webhook.cancel = true;\n  return webhook;\n}');
    await page.getByRole('button', { name: 'Run against this example' }).click();
    await expect.poll(() => outcome().textContent()).toMatch(/^Cancelled: this message would not be sent/);

    consoleErrors.allow(400, `/endpoints/${endpointId}/transformation/test`);
    await editor().fill('function handler(webhook) {\n  return webhook +;\n}');
    await page.getByRole('button', { name: 'Run against this example' }).click();
    await expect.poll(() => outcome().textContent()).toMatch(/^SyntaxError: .*\(line 2/);
    await screenshot(page, `${SHOTS}/02-syntax-error.png`);
  }, STEP_TIMEOUT);

  it('saves the code with the form, and refuses code that does not compile next to the editor', async () => {
    consoleErrors.allow(400, `/endpoints/${endpointId}`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const error = page.locator('[data-field-error="transformation"]');
    await expect.poll(() => error.textContent()).toMatch(/^SyntaxError: .*line 2/);

    await editor().fill("function handler(webhook) {\n  webhook.headers['X-Saved'] = 'yes';\n  return webhook;\n}");
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).body.transformation).toContain('X-Saved');
  }, STEP_TIMEOUT);

  it('works the same in a portal link that may edit endpoints', async () => {
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, { capabilities: ['endpoints:read', 'endpoints:write'] })).body;
    await page.goto(link.url);
    await page.getByRole('link', { name: 'Orders' }).waitFor();
    await openEditPage();
    await expect.poll(() => editor().inputValue()).toContain('X-Saved');
    await page.getByRole('button', { name: 'Run against this example' }).click();
    await expect.poll(() => outcome().textContent()).toContain('X-Saved: yes');
    await screenshot(page, `${SHOTS}/03-portal.png`);
  }, STEP_TIMEOUT);
});
