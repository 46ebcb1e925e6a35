import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// The Operators and Audit log screens in a real browser (docs/operators.md): an admin creates a
// named token (shown once), its change appears in the audit log under its name, the log filters,
// the token is revoked from the list; a viewer signs in, reads, and is told why it cannot create.

const SHOTS = 'test-results/operators';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('operators and audit log in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;
  let endpointId: string;
  let aliceToken: string;

  const rows = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => (e as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim()));
  const signIn = async (token: string) => {
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await expect.poll(() => page.locator('.card-list .card-title').allInnerTexts()).toContain('Acme');
  };

  beforeAll(async () => {
    herald = await startTestHerald();
    receiver = await startReceiver();
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme', uid: 'acme' })).body.id;
    endpointId = (await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/hooks` })).body.id;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
    await receiver?.close();
  });

  it('creates a named operator token, shown once, and lists it by name and role', async () => {
    await signIn(herald.token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
    await page.getByRole('heading', { name: 'Operators' }).waitFor();
    await expect.poll(() => page.getByText('No operator tokens yet').count()).toBe(1);
    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Role').selectOption('operator');
    await page.getByLabel('Expires').selectOption({ label: '30 days' });
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.locator('#new-operator-token').count()).toBe(1);
    aliceToken = (await page.locator('#new-operator-token').innerText()).trim();
    expect(aliceToken).toMatch(/^hrld_op_/);
    await expect.poll(() => rows('.operators-table tbody tr')).toEqual([expect.stringMatching(/^alice opt_\S+ operator .+/)]);
    const [listed] = (await herald.api('GET', '/api/v1/tokens')).body.data;
    expect(listed).toMatchObject({ name: 'alice', role: 'operator' });
    expect(Date.parse(listed.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('#new-operator-token').count()).toBe(0);
    await screenshot(page, `${SHOTS}/tokens.png`);
  }, STEP_TIMEOUT);

  it("shows alice's change in the audit log under her name, and filters by token and action", async () => {
    const res = await fetch(`${herald.url}/api/v1/apps/${appId}/endpoints/${endpointId}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true }),
    });
    expect(res.status).toBe(200);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await expect.poll(() => rows('.audit-table tbody tr')).toEqual([
      expect.stringContaining('alice (operator) endpoints.disable'),
      expect.stringContaining('admin token operator-tokens.create'),
      expect.stringContaining('admin token endpoints.create'),
      expect.stringContaining('admin token apps.create'),
    ]);
    expect((await rows('.audit-table tbody tr'))[0]).toContain(`endpointId ${endpointId}`);
    expect((await rows('.audit-table tbody tr'))[0]).toContain('200 ok');

    await page.getByLabel('Token').fill('alice');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows('.audit-table tbody tr')).toEqual([expect.stringContaining('alice (operator) endpoints.disable')]);
    await page.getByLabel('Token').fill('');
    await page.getByLabel('Action').fill('apps.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows('.audit-table tbody tr')).toEqual([expect.stringContaining('admin token apps.create')]);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => (rows('.audit-table tbody tr').then((r) => r.length))).toBe(4);
    await screenshot(page, `${SHOTS}/audit-log.png`);
  }, STEP_TIMEOUT);

  it('revokes alice from the list, after asking', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
    await expect.poll(() => rows('.operators-table tbody tr')).toHaveLength(1);
    await page.getByRole('button', { name: 'Revoke alice' }).click();
    await page.getByRole('button', { name: 'Revoke now' }).click();
    await expect.poll(() => page.getByText('No operator tokens yet').count()).toBe(1);
    const refused = await fetch(`${herald.url}/api/v1/apps`, { headers: { authorization: `Bearer ${aliceToken}` } });
    expect(refused.status).toBe(401);
  }, STEP_TIMEOUT);

  it('lets a viewer sign in and read, and says why it cannot create a token', async () => {
    const viewer = (await herald.api('POST', '/api/v1/tokens', { name: 'victor', role: 'viewer' })).body.token as string;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(viewer);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
    await expect.poll(() => rows('.operators-table tbody tr')).toEqual([expect.stringMatching(/^victor opt_\S+ viewer/)]);
    await page.getByLabel('Name').fill('mallory');
    consoleErrors.allow(403, '/api/v1/tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.locator('form .note-error').first().innerText().catch(() => '')).toContain('needs an operator token with the "admin" role');
    expect((await herald.api('GET', '/api/v1/tokens')).body.data.map((t: any) => t.name)).toEqual(['victor']);
    expect(consoleErrors.unused).toEqual([]);
    expect(consoleErrors.unexpected).toEqual([]);
  }, STEP_TIMEOUT);
});
