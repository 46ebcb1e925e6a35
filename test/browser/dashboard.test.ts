import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/security/token-hash.js';
import { DASHBOARD_DIR } from '../../src/api/routes/dashboard.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// The dashboard in a real browser against a real Herald and a real receiver on loopback. One
// browser and one page for the admin, one more for the tenant portal: the steps build on each other.

const SHOTS = 'test-results/dashboard';
/** `scripts/screenshots.sh` sets this to refresh the README's picture. */
const DOCS_SHOT = process.env.HERALD_DOCS_SCREENSHOT === '1' ? 'docs/dashboard.png' : null;
const STEP_TIMEOUT = 60_000;

// In CI (CI=true) a missing browser or an unbuilt dashboard fails the run rather than skipping it.
const skip = skipBrowserTests();

describe.skipIf(skip)('web dashboard in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;
  let otherAppId: string;
  let endpointId: string;
  let receiverDown = false;

  beforeAll(async () => {
    if (!existsSync(`${DASHBOARD_DIR}/index.html`)) throw new Error('dashboard not built: run `npm run build` first');
    herald = await startTestHerald({ productName: 'Acme Cloud' });
    // While `receiverDown`, the receiver answers 503: the recovery step needs failed messages.
    receiver = await startReceiver(() => (receiverDown ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }));
    for (const name of ['member.removed', 'agreement.created', 'invoice.paid']) {
      await herald.api('POST', '/api/v1/event-types', { name, description: `when ${name.replace('.', ' is ')}` });
    }
    otherAppId = (await herald.api('POST', '/api/v1/apps', { name: 'Globex', uid: 'globex' })).body.id;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Short waits: every step is local, so a missing element is a failure, not slowness.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
    page.on('dialog', (dialog) => void dialog.accept()); // "Rotate the secret?" and the like
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await herald?.stop();
  });

  it('signs in with the admin token and creates an app', async () => {
    await page.goto(herald.url);
    await expect.poll(() => page.getByLabel('Admin token').isVisible()).toBe(true);
    await screenshot(page, `${SHOTS}/01-login.png`);
    // Keyboard only: the token field has focus, Tab reaches the button, Enter signs in.
    await page.keyboard.type(herald.token);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement.textContent')).toBe('Sign in');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Acme Corp');
    await page.getByLabel('Your id for it (optional)').fill('acme');
    await screenshot(page, `${SHOTS}/02-apps.png`);
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    appId = (await herald.api('GET', '/api/v1/apps/acme')).body.id;
    expect(page.url()).toContain(`#/apps/${appId}`);
  }, STEP_TIMEOUT);

  it('shows an API validation error next to the field it is about', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Payload URL').fill('not a url');
    consoleErrors.allow(400, `/apps/${appId}/endpoints`); // the API's answer this step is about
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const error = page.locator('.field:has(#url) .field-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/url/i);
    expect(await page.getByLabel('Payload URL').getAttribute('aria-invalid')).toBe('true');
    // The focus moved to the field to fix.
    expect(await page.evaluate('document.activeElement.id')).toBe('url');
    await screenshot(page, `${SHOTS}/03-form-error.png`);
  }, STEP_TIMEOUT);

  it('creates an endpoint through the form, pointing at a live receiver', async () => {
    await page.getByLabel('Payload URL').fill(`${receiver.url}/hooks`);
    await page.getByLabel('Name (optional)').fill('Acme receiver');
    await page.getByRole('switch', { name: 'Send me everything' }).uncheck();
    await page.getByRole('checkbox', { name: /member\.removed/ }).check();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1', { exact: true }).fill('x-api-key');
    await page.getByLabel('Value 1', { exact: true }).fill('k-123');
    await screenshot(page, `${SHOTS}/04-endpoint-form.png`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    await page.getByRole('heading', { name: 'Acme receiver' }).waitFor();
    const endpoints = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ url: `${receiver.url}/hooks`, eventTypes: ['member.removed'], headers: { 'x-api-key': 'k-123' } });
    endpointId = endpoints[0].id;
  }, STEP_TIMEOUT);

  it('sends a test event, sees the attempt appear and opens its raw request', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    const [received] = await receiver.waitFor(1);
    expect(received!.headers['x-api-key']).toBe('k-123');

    // The log polls by itself: no reload.
    const row = page.locator('tr[data-attempt-id]').first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('member.removed');
    expect(await row.textContent()).toContain('200');
    await row.getByRole('button').click();
    const body = page.getByTestId('request-body');
    await body.waitFor();
    expect(JSON.parse((await body.textContent())!)).toEqual(JSON.parse(received!.body));
    expect(await page.locator('.request-line').textContent()).toContain(`POST ${receiver.url}/hooks`);
    await screenshot(page, `${SHOTS}/05-endpoint-details.png`);
    if (DOCS_SHOT) await screenshot(page, DOCS_SHOT);
  }, STEP_TIMEOUT);

  it('reveals and rotates the secret', async () => {
    const before = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`)).body.secret;
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => page.locator('#secret-value').textContent()).toBe(before);
    await page.getByRole('button', { name: 'Rotate' }).click();
    await page.getByText('Secret rotated.').waitFor();
    const after = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`)).body.secret;
    expect(after).not.toBe(before);
    expect(await page.locator('#secret-value').textContent()).toBe(after);
  }, STEP_TIMEOUT);

  it('edits the endpoint, leaving alone what the form did not touch', async () => {
    const secret = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`)).body.secret;
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Description (optional)').fill('Production hooks');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Production hooks').waitFor();
    const ep = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}`)).body;
    expect(ep).toMatchObject({ description: 'Production hooks', eventTypes: ['member.removed'], headers: { 'x-api-key': 'k-123' }, tls: null, disabled: false });
    expect((await herald.api('GET', `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`)).body.secret).toBe(secret);
  }, STEP_TIMEOUT);

  it('recovers failed messages as a background task and reports its end', async () => {
    // Two messages fail for good while the receiver is down (the test schedule gives up within a second).
    receiverDown = true;
    const failed: string[] = [];
    for (const n of [1, 2]) {
      failed.push((await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'member.removed', data: { outage: n } })).body.id);
    }
    await expect.poll(async () => {
      const attempts = await Promise.all(failed.map(async (id) => (await herald.api('GET', `/api/v1/apps/${appId}/messages/${id}/attempts`)).body.data.length));
      return attempts.every((n) => n === 5);
    }, { timeout: 20_000 }).toBe(true);
    receiverDown = false;
    const before = receiver.requests.length;

    await page.getByRole('button', { name: 'Recover failed since…' }).click();
    await page.getByText(/^Done: 2 failed messages sent again\.$/).waitFor({ timeout: 20_000 });
    // Both arrive again, with their own message ids, and succeed.
    await expect.poll(() => receiver.requests.slice(before).map((r) => r.headers['webhook-id']).sort(), { timeout: 10_000 })
      .toEqual([...failed].sort());
  }, STEP_TIMEOUT);

  it('finds the message by event type and shows its payload and deliveries', async () => {
    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('Event type', { exact: true }).fill('member.removed');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('table a').first().click();
    await page.getByRole('heading', { name: 'Payload' }).waitFor();
    await page.getByRole('region', { name: 'Deliveries to Acme receiver' }).waitFor();
    await screenshot(page, `${SHOTS}/06-message.png`);
  }, STEP_TIMEOUT);

  it('shows a payload as published, indented but with its numbers and escapes unchanged', async () => {
    const data = '{"orderId":1234567890123456789,"amount":1.0,"name":"Ren\\u00e9e"}';
    const res = await fetch(`${herald.url}/api/v1/apps/${appId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' },
      body: `{"eventType":"invoice.paid","data":${data}}`,
    });
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${herald.url}/#/apps/${appId}/messages/${id}`);
    // The previous step's message page may still be showing: wait for this message's payload.
    const payload = page.getByLabel('Message payload');
    await expect.poll(() => payload.textContent()).toBe('{\n  "orderId": 1234567890123456789,\n  "amount": 1.0,\n  "name": "Ren\\u00e9e"\n}');
  }, STEP_TIMEOUT);

  it('opens a portal link scoped to one app, usable on a phone-width screen', async () => {
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    const portal = await context.newPage();
    consoleErrors.watch(portal);
    await portal.setViewportSize({ width: 390, height: 844 });
    await portal.goto(link.url);
    await portal.getByRole('link', { name: 'Acme receiver' }).waitFor();
    // The token left the address bar as soon as it was read.
    expect(portal.url()).not.toContain('token=');
    expect(await portal.getByText('Webhooks portal').isVisible()).toBe(true);
    // No admin features: no apps list, no portal links, nothing of the other app.
    expect(await portal.getByRole('link', { name: 'Apps', exact: true }).count()).toBe(0);
    expect(await portal.getByText('Tenant portal').count()).toBe(0);
    expect(await portal.getByText('Globex').count()).toBe(0);
    expect(await portal.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await screenshot(portal, `${SHOTS}/07-portal-phone.png`);

    // Another app's address leads back to its own app.
    await portal.goto(`${herald.url}/#/apps/${otherAppId}`);
    await expect.poll(() => portal.url()).toContain(`#/apps/${appId}`);
    await portal.getByRole('link', { name: 'Acme receiver' }).click();
    await portal.getByRole('heading', { name: 'Delivery attempts' }).waitFor();
    expect(await portal.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await screenshot(portal, `${SHOTS}/08-portal-endpoint-phone.png`);
    await portal.close();
  }, STEP_TIMEOUT);

  it('tells the customer an expired or revoked portal link has expired, never showing the admin sign-in', async () => {
    // Expired: a portal token whose time is up (written to the store: links last at least a minute).
    const expired = `hrld_portal_expired${Date.now()}`;
    await herald.store.createToken({
      id: `tok_expired${Date.now()}`, appId, name: 'portal link', kind: 'portal', tokenHash: hashToken(expired),
      expiresAt: new Date(Date.now() - 1000).toISOString(), createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const portal = await context.newPage();
    // The refused requests are the point here (how many depends on the screen): only those may be logged.
    const portalErrors = new ConsoleErrors();
    portalErrors.watch(portal);
    await portal.goto(`${herald.url}/#/portal?app=${appId}&token=${expired}`);
    await portal.getByText('This link has expired; ask Acme Cloud for a new one.').waitFor();
    expect(await portal.getByLabel('Admin token').count()).toBe(0);
    expect(await portal.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    expect(portal.url()).not.toContain('token=');
    await screenshot(portal, `${SHOTS}/09-portal-expired.png`);
    // A reload of that screen stays on it.
    await portal.reload();
    await portal.getByText('This link has expired; ask Acme Cloud for a new one.').waitFor();
    expect(await portal.getByLabel('Admin token').count()).toBe(0);

    // Revoked while in use: the next request is refused and the same screen shows.
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    await portal.goto(link.url);
    await portal.getByRole('link', { name: 'Acme receiver' }).waitFor();
    // (Signing out of the portal does not lead to the admin sign-in either; the link still works after.)
    await portal.getByRole('button', { name: 'Sign out' }).click();
    await portal.getByText(/^You signed out\. .*ask Acme Cloud for a new one\.$/).waitFor();
    expect(await portal.getByLabel('Admin token').count()).toBe(0);
    await portal.goto(link.url);
    await portal.getByRole('link', { name: 'Acme receiver' }).waitFor();
    const tokens = (await herald.api('GET', `/api/v1/apps/${appId}/tokens?limit=100`)).body.data;
    const record = tokens.find((t: { kind: string; expiresAt: string }) => t.kind === 'portal' && t.expiresAt === link.expiresAt);
    expect((await herald.api('DELETE', `/api/v1/apps/${appId}/tokens/${record.id}`)).status).toBe(204);
    await portal.getByRole('link', { name: 'Acme receiver' }).click();
    await portal.getByText('This link has expired; ask Acme Cloud for a new one.').waitFor();
    expect(await portal.getByLabel('Admin token').count()).toBe(0);
    await portal.close();
    expect(portalErrors.unexpected.filter((line) => !/status of 401/.test(line))).toEqual([]);
    expect(portalErrors.unexpected.length).toBeGreaterThan(0);

    // A Herald not told the product's name says so honestly; a cut-short link gets the same screen.
    const unnamed = await startTestHerald();
    const cut = await context.newPage();
    consoleErrors.watch(cut);
    try {
      await cut.goto(`${unnamed.url}/#/portal?app=${appId}`);
      await cut.getByText('This link is incomplete; ask the service that gave you this link for a new one.').waitFor();
      expect(await cut.getByLabel('Admin token').count()).toBe(0);
    } finally {
      await cut.close();
      await unnamed.stop();
    }
  }, STEP_TIMEOUT);

  it('logged no console errors', () => {
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });
});
