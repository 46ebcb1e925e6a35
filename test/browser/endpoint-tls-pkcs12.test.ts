import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsReceiver, type HttpsReceiver } from '../helpers/https-receiver.js';
import { writeKeystores, type KeystoreFiles } from '../helpers/keystores.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { ConsoleErrors, launchBrowser, screenshot, openPage, signInAsAdmin, skipBrowserTests } from './browser.js';

// Issue 17: the endpoint form takes PKCS#12 files (client identity, trust store) besides PEM, and an
// endpoint that skips TLS verification says so on its page and in the app's endpoint list.

const SHOTS = 'test-results/endpoint-tls';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

describe.skipIf(skip)('TLS key stores and skipped verification in the dashboard', () => {
  let herald: TestHerald;
  let pki: TestPki;
  let dir: string;
  let files: KeystoreFiles;
  let mutual: HttpsReceiver;
  let browser: Browser;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;

  beforeAll(async () => {
    pki = createTestPki();
    dir = mkdtempSync(join(tmpdir(), 'herald-tls-ui-'));
    files = writeKeystores(dir, pki);
    mutual = await startHttpsReceiver({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true });
    herald = await startTestHerald({ tokenRateLimit: 0 });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Keystores', uid: 'keystores' })).body.id;
    browser = await launchBrowser();
    page = await openPage(browser, consoleErrors);
    await signInAsAdmin(page, herald.url, herald.token);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await mutual?.close();
    await herald?.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });

  it('an endpoint that skips verification is marked in the list and warned about on its page; a verifying one is not', async () => {
    const insecure = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${mutual.url}/insecure`, name: 'Trusts anything', tls: { insecureSkipVerify: true } });
    await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${mutual.url}/verified`, name: 'Verifies' });
    await page.goto(`${herald.url}/#/apps/${appId}`);
    const card = (name: string) => page.locator('.endpoint-card').filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect.poll(() => card('Trusts anything').textContent()).toContain('TLS not verified');
    await expect.poll(() => card('Verifies').textContent()).toContain('enabled');
    expect(await card('Verifies').textContent()).not.toContain('TLS not verified');

    await page.goto(`${herald.url}/#/apps/${appId}/endpoints/${insecure.body.id}`);
    const warning = page.locator('[data-tls-warning]');
    await expect.poll(() => warning.textContent()).toMatch(/^TLS certificates are not verified for this endpoint: anyone on the network path could pose as the receiver/);
    expect(await warning.textContent()).toContain('untick "Skip certificate verification"');
    await screenshot(page, `${SHOTS}/01-warning.png`);
  }, STEP_TIMEOUT);

  async function fillPkcs12Form(url: string, passphrase: string) {
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Payload URL').fill(url);
    await page.locator('details.advanced summary').click();
    await page.locator('#tls-pkcs12').setInputFiles(files.clientP12);
    await page.getByLabel('Key passphrase', { exact: true }).fill(passphrase);
    await page.locator('#tls-ca-pkcs12').setInputFiles(files.trustP12);
    await page.getByLabel('Trust store password', { exact: true }).fill(files.password);
  }

  it('a wrong PKCS#12 password is said at the file field', async () => {
    await fillPkcs12Form(`${mutual.url}/wrong`, 'not the password');
    consoleErrors.allow(400, `/apps/${appId}/endpoints`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const error = page.locator('[data-field-error="tls-pkcs12"]');
    await expect.poll(() => error.textContent()).toBe('The password in Key passphrase does not open this file.');
    await screenshot(page, `${SHOTS}/02-wrong-password.png`);
  }, STEP_TIMEOUT);

  it('uploads a PKCS#12 client identity and trust store; deliveries authenticate with it', async () => {
    await fillPkcs12Form(`${mutual.url}/p12`, files.password);
    expect(await page.locator('#tls-pkcs12-hint').textContent()).toContain('client.p12 will be uploaded');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await expect.poll(() => page.locator('dl.summary').textContent()).toContain('custom CA, client certificate');
    expect(await page.locator('[data-tls-warning]').count()).toBe(0);

    const list = await herald.api('GET', `/api/v1/apps/${appId}/endpoints`);
    const ep = list.body.data.find((e: { url: string }) => e.url === `${mutual.url}/p12`);
    expect(ep.tls).toMatchObject({ hasKey: true, insecureSkipVerify: false });
    const before = mutual.requests.length;
    await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'tls.ui', data: { via: 'dashboard' } });
    await eventually(() => mutual.requests.some((r, i) => i >= before && r.url === '/p12'));
    expect(mutual.requests.find((r, i) => i >= before && r.url === '/p12')!.clientCn).toBe('herald-client');
    await screenshot(page, `${SHOTS}/03-pkcs12-endpoint.png`);
  }, STEP_TIMEOUT);
});
