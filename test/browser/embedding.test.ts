import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// The portal embedded in a product's own page (docs/embedding.md), in Chromium. The product is a
// host page on another origin (another loopback port) with its own small backend: it asks Herald
// for portal links with the admin token, server-side, exactly as docs/embedding.md's snippet does. The page
// loads /portal/embed.js from Herald and uses <herald-portal> with a getLink callback.

const SHOTS = 'test-results/embedding';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

interface Host {
  origin: string;
  /** Ids of the portal links this host's backend was given, in order. */
  linkIds: string[];
  close(): Promise<void>;
}

/**
 * A product's page and backend on a loopback port of its own. POST /portal-link is the backend
 * asking Herald (admin token, server-side) for a link; the first lasts 60 s (the shortest Herald
 * gives) and the page refreshes it 57 s early, so the hand-over happens within seconds.
 */
async function startHost(herald: TestHerald, appId: string, allowedOrigins: (origin: string) => string[] | undefined): Promise<Host> {
  const linkIds: string[] = [];
  let origin = '';
  const server: Server = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/portal-link') {
      const link = await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {
        expiresIn: linkIds.length === 0 ? 60 : 3600,
        allowedOrigins: allowedOrigins(origin),
      });
      linkIds.push(new URL(link.body.url).searchParams.get('link')!);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: link.body.url, expiresAt: link.body.expiresAt }));
      return;
    }
    if (req.url === '/pasted') {
      // The `embed` snippet of Herald's answer pasted into a page as is, nothing else.
      const link = await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, { allowedOrigins: allowedOrigins(origin) });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pasted</title><link rel="icon" href="data:,"></head><body>${link.body.embed}</body></html>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme settings</title><link rel="icon" href="data:,"></head>
<body style="margin:0;font-family:sans-serif">
  <h1>Acme settings: webhooks</h1>
  <herald-portal id="portal" refresh-before="57"></herald-portal>
  <p id="below">Below the portal</p>
  <script src="${herald.url}/portal/embed.js"></script>
  <script>
    window.hostEvents = [];
    const portal = document.getElementById('portal');
    for (const type of ['herald-ready', 'herald-refreshed', 'herald-expired', 'herald-error']) {
      portal.addEventListener(type, () => window.hostEvents.push(type));
    }
    portal.getLink = async () => (await fetch('/portal-link', { method: 'POST' })).json();
  </script>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, linkIds, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.skipIf(skip)('the portal embedded in another origin, in Chromium', () => {
  let herald: TestHerald;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let allowed: Host;
  let refused: Host;
  let page: Page;
  let frame: Frame;
  let appId: string;
  const consoleErrors = new ConsoleErrors();

  const events = () => page.evaluate<string[]>('window.hostEvents');
  /** The iframe's height on the host page, and the height of the portal's content inside it. */
  const heights = async () => ({
    frame: await page.locator('herald-portal iframe').evaluate((el) => el.getBoundingClientRect().height),
    content: await frame.evaluate<number>('Math.ceil(document.documentElement.getBoundingClientRect().height)'),
  });

  beforeAll(async () => {
    // In-process deliveries (no delivery thread): the test runs the sources it was written against.
    herald = await startTestHerald({ productName: 'Acme Cloud', deliveryThreads: 0, tokenRateLimit: 0 });
    receiver = await startReceiver();
    await herald.api('POST', '/api/v1/event-types', { name: 'member.removed', description: 'when a member is removed' });
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Corp', uid: 'acme' })).body.id;
    // The allowed host's links use the app's default origins, which the admin sets in the dashboard.
    allowed = await startHost(herald, appId, () => undefined);
    // Another port: a different origin, its links allowing only the first host's origin.
    refused = await startHost(herald, appId, () => [allowed.origin]);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await allowed?.close();
    await refused?.close();
    await receiver?.close();
    await herald?.stop();
  });

  it("lets the admin allow the host's origin for the app, and shows a link's embed snippet", async () => {
    const admin = await context.newPage();
    consoleErrors.watch(admin);
    await admin.goto(herald.url);
    await admin.getByLabel('Admin token').fill(herald.token);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await admin.goto(`${herald.url}/#/apps/${appId}`);
    await admin.getByLabel('Allowed origins').waitFor();
    await admin.getByLabel('Allowed origins').fill(`${allowed.origin}\nhttps://app.acme.test/settings`);
    consoleErrors.allow(400, `/api/v1/apps/${appId}`);
    await admin.getByRole('button', { name: 'Save origins' }).click();
    // A path is not an origin: the API's message, naming it, is shown and nothing is saved.
    await admin.getByRole('alert').filter({ hasText: '"https://app.acme.test/settings"' }).waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.allowedOrigins).toEqual([]);
    await admin.getByLabel('Allowed origins').fill(allowed.origin);
    await admin.getByRole('button', { name: 'Save origins' }).click();
    await admin.getByRole('status').filter({ hasText: 'Allowed origins saved' }).waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}`)).body.allowedOrigins).toEqual([allowed.origin]);

    await admin.getByRole('button', { name: 'Create portal link' }).click();
    const snippet = await admin.getByLabel('Embed in your page').inputValue();
    expect(snippet).toContain(`<script src="${herald.url}/portal/embed.js" defer></script>`);
    expect(snippet).toMatch(/<herald-portal src="[^"]+\/portal\?link=tok_[^"]+" expires-at="[^"]+"><\/herald-portal>/);
    expect(await admin.getByText(`Shows only on pages of ${allowed.origin}.`).isVisible()).toBe(true);
    await screenshot(admin, `${SHOTS}/00-admin-embedding.png`);
    await admin.close();
    expect(consoleErrors.unused).toEqual([]);
  }, STEP_TIMEOUT);

  it('loads in an allowed origin\'s page and fits its frame to the content', async () => {
    await page.goto(`${allowed.origin}/settings`);
    await expect.poll(() => page.frames().find((f) => f.url().includes('/portal?link='))).toBeTruthy();
    frame = page.frames().find((f) => f.url().includes('/portal?link='))!;
    expect(new URL(frame.url()).origin).toBe(herald.url);
    await frame.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await frame.getByText('Webhooks portal').isVisible()).toBe(true);
    await expect.poll(events).toContain('herald-ready');
    // The frame takes the content's height (it starts at 480 px, taller than this screen's content).
    await expect.poll(async () => { const h = await heights(); return Math.abs(h.frame - h.content) <= 1 && h.frame !== 480; }).toBe(true);
    // Nothing to scroll inside the frame: the host page scrolls, as with any of its own content.
    expect(await frame.evaluate<number>('document.documentElement.scrollHeight - document.documentElement.clientHeight')).toBeLessThanOrEqual(1);
    await screenshot(page, `${SHOTS}/01-embedded-portal.png`);
  }, STEP_TIMEOUT);

  it('hands over a fresh link before the first expires, without reloading the portal', async () => {
    // A mark in the portal's window: a reload would wipe it.
    await frame.evaluate("window.mark = 'still here'");
    await expect.poll(events, { timeout: 15_000 }).toContain('herald-refreshed');
    expect(allowed.linkIds.length).toBeGreaterThanOrEqual(2);
    expect(await frame.evaluate('window.mark')).toBe('still here');
    // The first link is revoked: everything the customer does next must use the new one.
    expect((await herald.api('DELETE', `/api/v1/apps/${appId}/tokens/${allowed.linkIds[0]}`)).status).toBe(204);
  }, STEP_TIMEOUT);

  it('lets the customer create an endpoint, send a test event and see the delivery, the frame resizing as it goes', async () => {
    await frame.getByRole('link', { name: 'Add endpoint' }).click();
    await frame.getByLabel('Payload URL').waitFor();
    // The form is taller than the home screen: the frame follows.
    await expect.poll(async () => { const h = await heights(); return Math.abs(h.frame - h.content) <= 1; }).toBe(true);
    const formHeight = (await heights()).frame;
    await frame.getByLabel('Payload URL').fill(`${receiver.url}/embedded`);
    await frame.getByLabel('Name (optional)').fill('Embedded receiver');
    await frame.getByRole('button', { name: 'Create endpoint' }).click();
    await frame.getByRole('heading', { name: 'Embedded receiver' }).waitFor();
    await expect.poll(async () => { const h = await heights(); return Math.abs(h.frame - h.content) <= 1 && h.frame !== formHeight; }).toBe(true);

    await frame.getByRole('button', { name: 'Send test event' }).click();
    const [received] = await receiver.waitFor(1);
    expect(received!.url).toBe('/embedded');
    const row = frame.locator('tr[data-attempt-id]').first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('200');
    expect(await frame.evaluate('window.mark')).toBe('still here');
    expect(await events()).not.toContain('herald-expired');
    const endpoints = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data;
    expect(endpoints.map((e: { url: string }) => e.url)).toEqual([`${receiver.url}/embedded`]);
    await screenshot(page, `${SHOTS}/02-embedded-endpoint.png`);
    expect(consoleErrors.unexpected).toEqual([]);
  }, STEP_TIMEOUT);

  it('recovers by itself when the link is revoked: the portal reports it, the host hands a new link, the frame reloads with it', async () => {
    const before = allowed.linkIds.length;
    for (const id of allowed.linkIds) await herald.api('DELETE', `/api/v1/apps/${appId}/tokens/${id}`);
    // The customer's next step meets the revoked token (401, which Chromium logs as a console error).
    await frame.getByRole('link', { name: 'Messages' }).click();
    await expect.poll(events).toContain('herald-expired');
    await expect.poll(() => allowed.linkIds.length).toBeGreaterThan(before);
    const newest = allowed.linkIds[allowed.linkIds.length - 1];
    await expect.poll(() => page.frames().find((f) => f.url().includes(`/portal?link=${newest}`))).toBeTruthy();
    frame = page.frames().find((f) => f.url().includes(`/portal?link=${newest}`))!;
    await frame.getByRole('link', { name: 'Embedded receiver' }).waitFor();
    // One expiry, one new link: the host's backend was asked once, however many requests met the 401.
    expect(allowed.linkIds.length).toBe(before + 1);
    expect(consoleErrors.unexpected.filter((line) => !/status of 401/.test(line))).toEqual([]);
  }, STEP_TIMEOUT);

  it('shows the portal from the embed snippet pasted as is', async () => {
    const pasted = await context.newPage();
    consoleErrors.watch(pasted);
    const navigations: string[] = [];
    pasted.on('framenavigated', (f) => { if (f !== pasted.mainFrame()) navigations.push(f.url()); });
    await pasted.goto(`${allowed.origin}/pasted`);
    await expect.poll(() => pasted.frames().find((f) => f.url().includes('/portal?link='))).toBeTruthy();
    const portal = pasted.frames().find((f) => f.url().includes('/portal?link='))!;
    await portal.getByRole('link', { name: 'Embedded receiver' }).waitFor();
    // The link's page, and only it, is loaded (then only in-page fragment changes): no reload loop.
    expect(navigations.filter((u) => u !== 'about:blank').map((u) => u.split('#')[0]), navigations.join(' ')).toSatisfy((urls: string[]) => new Set(urls).size === 1);
    await expect.poll(async () => {
      const frameHeight = await pasted.locator('herald-portal iframe').evaluate((el) => el.getBoundingClientRect().height);
      const content = await portal.evaluate<number>('Math.ceil(document.documentElement.getBoundingClientRect().height)');
      return Math.abs(frameHeight - content) <= 1;
    }).toBe(true);
    await pasted.close();
    expect(consoleErrors.unexpected.filter((line) => !/status of 401/.test(line))).toEqual([]);
  }, STEP_TIMEOUT);

  it('shows nothing in a page of an origin the link does not allow: the browser refuses the frame', async () => {
    const other = await context.newPage();
    const refusals: string[] = [];
    other.on('console', (msg) => { if (/frame-ancestors/.test(msg.text())) refusals.push(msg.text()); });
    await other.goto(`${refused.origin}/settings`);
    // Chromium reports the refusal (CSP frame-ancestors) on the host page's console.
    await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(refusals[0]).toContain(allowed.origin);
    expect(refused.linkIds.length).toBe(1);
    // The frame holds Chromium's error page, not the portal: no heading, no Herald document.
    const blocked = other.frames().find((f) => f !== other.mainFrame())!;
    expect(blocked).toBeTruthy();
    expect(blocked.url()).not.toContain('/portal?link=');
    expect(await blocked.locator('#root').count()).toBe(0);
    await screenshot(other, `${SHOTS}/03-refused-origin.png`);
    await other.close();
  }, STEP_TIMEOUT);
});
