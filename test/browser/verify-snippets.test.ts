import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// Issue 18: an endpoint's page, in the admin dashboard and in the portal, shows the code that
// verifies that endpoint's signature scheme in the chosen language, exactly as docs/verify holds
// it (the files test/e2e/verify-languages runs), with a copy button.

const SHOTS = 'test-results/verify-snippets';
const STEP_TIMEOUT = 60_000;
const docs = (file: string) => readFileSync(new URL(`../../docs/verify/${file}`, import.meta.url), 'utf8');

const skip = skipBrowserTests();

describe.skipIf(skip)('verification snippets on the endpoint page in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;
  const endpoints: Record<'peopleforce' | 'standard' | 'unsigned' | 'entity', string> = { peopleforce: '', standard: '', unsigned: '', entity: '' };

  beforeAll(async () => {
    herald = await startTestHerald({ tokenRateLimit: 0 });
    receiver = await startReceiver();
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp', uid: 'acme' })).body.id;
    const create = async (name: string, body: Record<string, unknown>) => {
      const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/${name}`, name, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    endpoints.peopleforce = await create('peopleforce', { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' } });
    endpoints.standard = await create('standard', {});
    endpoints.unsigned = await create('unsigned', { signature: { scheme: 'none' } });
    endpoints.entity = await create('entity', { method: 'GET' });
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

  const panel = () => page.getByRole('region', { name: 'Verify signatures in your receiver' });
  const shownCode = () => page.locator('#verify-snippet').textContent();
  const openEndpoint = async (id: string) => {
    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${id}`);
    await panel().waitFor();
  };

  it("shows the endpoint's scheme in the chosen language, with its header and prefix, and copies it exactly", async () => {
    await openEndpoint(endpoints.peopleforce);
    await expect.poll(shownCode).toBe(docs('python/hmac_sha256.py'));
    expect(await panel().textContent()).toContain('Pass the x-peopleforce-signature header, the raw body and the prefix "sha256="');
    expect(await page.getByLabel('Language').inputValue()).toBe('Python');

    await page.getByLabel('Language').selectOption('Go');
    await expect.poll(shownCode).toBe(docs('go/hmac_sha256.go'));
    expect(await panel().textContent()).toContain('docs/verify/go/hmac_sha256.go');
    await page.getByRole('button', { name: 'Copy code' }).click();
    await panel().getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(docs('go/hmac_sha256.go'));
    await screenshot(page, `${SHOTS}/01-hmac-sha256-go.png`);

    for (const [language, file] of [['Ruby', 'ruby/hmac_sha256.rb'], ['PHP', 'php/hmac_sha256.php'], ['Java', 'java/HmacSha256.java']] as const) {
      await page.getByLabel('Language').selectOption(language);
      await expect.poll(shownCode).toBe(docs(file));
    }
  }, STEP_TIMEOUT);

  it('follows each endpoint’s scheme, keeps the chosen language, and says when there is nothing to verify', async () => {
    await openEndpoint(endpoints.standard);
    // Java was chosen last on the other endpoint: the browser remembers it.
    expect(await page.getByLabel('Language').inputValue()).toBe('Java');
    await expect.poll(shownCode).toBe(docs('java/StandardWebhooks.java'));
    expect(await panel().textContent()).toContain('webhook-id, webhook-timestamp and webhook-signature');

    await openEndpoint(endpoints.entity);
    await expect.poll(shownCode).toBe(docs('java/EntityPath.java'));
    expect(await panel().textContent()).toContain('Pass the x-ioffice-signature header, the raw request path');

    await openEndpoint(endpoints.unsigned);
    await panel().getByText('Requests to this endpoint are not signed').waitFor();
    expect(await page.locator('#verify-snippet').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Copy code' }).count()).toBe(0);
  }, STEP_TIMEOUT);

  it('the portal shows the same snippet to the customer, with a working copy button', async () => {
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, { capabilities: ['endpoints:read'] })).body;
    await page.goto(link.url);
    await page.getByRole('link', { name: 'peopleforce' }).click();
    await panel().waitFor();
    await page.getByLabel('Language').selectOption('Ruby');
    await expect.poll(shownCode).toBe(docs('ruby/hmac_sha256.rb'));
    await page.getByRole('button', { name: 'Copy code' }).click();
    await panel().getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(docs('ruby/hmac_sha256.rb'));
    await screenshot(page, `${SHOTS}/02-portal-ruby.png`);
  }, STEP_TIMEOUT);
});
