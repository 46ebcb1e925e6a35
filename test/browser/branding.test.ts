import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { pngSquare } from '../helpers/tiny-images.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// Two apps branded differently, each opened through its own portal link in Chromium: the header
// shows the product's name and logo, the primary button wears its accent, the page its theme
// whatever the browser prefers; the admin dashboard keeps Herald's look; an ended link's screen
// names the product.

const SHOTS = 'test-results/branding';
/** `HERALD_DOCS_SCREENSHOT=1` refreshes the pictures docs/branding.md shows. */
const DOCS = process.env.HERALD_DOCS_SCREENSHOT === '1';
const STEP_TIMEOUT = 60_000;

const skip = skipBrowserTests();

/** `rgb(r, g, b)` as the browser computes it, back to #rrggbb. */
const hexOf = (css: string) => `#${css.match(/\d+/g)!.slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;

// WCAG 2.x contrast, written out here rather than taken from Herald's code.
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

// The two looks, and the page backgrounds of styles.css's light and dark themes.
const LIGHT = { name: 'Globex Cloud', accent: '#1a73e8', theme: 'light', logo: pngSquare(48, [26, 115, 232]), background: '#f6f7f9', text: '#ffffff' } as const;
const DARK = { name: 'Initech Hooks', accent: '#f59f00', theme: 'dark', logo: pngSquare(48, [245, 159, 0]), background: '#12161c', text: '#000000' } as const;
const HERALD_ACCENT = '#2457c5';

describe.skipIf(skip)('branded portals in Chromium', () => {
  let herald: TestHerald;
  let browser: Browser;
  const consoleErrors = new ConsoleErrors();
  const apps: Record<string, string> = {};

  beforeAll(async () => {
    herald = await startTestHerald({ productName: 'Herald Test Server' });
    for (const look of [LIGHT, DARK]) {
      const app = (await herald.api('POST', '/api/v1/apps', { name: `${look.name} tenant` })).body;
      apps[look.name] = app.id;
      expect((await herald.api('PUT', `/api/v1/apps/${app.id}/branding`, { productName: look.name, accent: look.accent, theme: look.theme })).status).toBe(200);
      const res = await fetch(`${herald.url}/api/v1/apps/${app.id}/branding/logo`, {
        method: 'PUT', headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'image/png' }, body: look.logo,
      });
      expect(res.status).toBe(200);
      await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'https://example.com/hooks', name: 'Production' });
    }
    browser = await launchBrowser();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  /** A portal link of the app opened in a fresh page whose browser prefers `scheme`. */
  async function openPortal(appId: string, scheme: 'light' | 'dark', errors = consoleErrors): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 640 }, colorScheme: scheme });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    errors.watch(page);
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    return page;
  }

  // Run in the page (a string: this file is type-checked without the DOM's types).
  const LOOKS = `(() => {
    const logo = document.querySelector('header .brand img');
    const button = document.querySelector('main .primary');
    return {
      brand: document.querySelector('header .brand').textContent.trim(),
      logoLoaded: logo ? logo.complete && logo.naturalWidth > 0 : false,
      buttonBackground: getComputedStyle(button).backgroundColor,
      buttonText: getComputedStyle(button).color,
      pageBackground: getComputedStyle(document.body).backgroundColor,
    };
  })()`;
  const looks = (page: Page) => page.evaluate<{ brand: string; logoLoaded: boolean; buttonBackground: string; buttonText: string; pageBackground: string }>(LOOKS);

  it.each([
    // Each portal's own theme wins over the browser's preference, so each opens in the opposite one.
    { look: LIGHT, scheme: 'dark', shot: 'portal-branding-light.png' },
    { look: DARK, scheme: 'light', shot: 'portal-branding-dark.png' },
  ] as const)('shows $look.name with its logo, accent and theme, in a browser preferring $scheme', async ({ look, scheme, shot }) => {
    const page = await openPortal(apps[look.name]!, scheme);
    await expect.poll(async () => (await looks(page)).logoLoaded).toBe(true);
    expect(await looks(page)).toEqual({
      brand: look.name,
      logoLoaded: true,
      buttonBackground: rgb(look.accent),
      buttonText: rgb(look.text),
      pageBackground: rgb(look.background),
    });
    await screenshot(page, `${SHOTS}/${shot}`, false);
    if (DOCS) await screenshot(page, `docs/${shot}`, false);
    await page.context().close();
  }, STEP_TIMEOUT);

  it('follows the browser with theme auto, and keeps a pale accent\'s links readable on either background', async () => {
    const appId = (await herald.api('POST', '/api/v1/apps', { name: 'Gold tenant' })).body.id;
    await herald.api('PUT', `/api/v1/apps/${appId}/branding`, { productName: 'Gold Hooks', accent: '#ffd700', theme: 'auto' });
    await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.com/gold', name: 'Gold endpoint' });
    for (const [scheme, background] of [['light', LIGHT.background], ['dark', DARK.background]] as const) {
      const page = await openPortal(appId, scheme);
      // The heading can show before the branding and the endpoint list have loaded: wait for both.
      await page.locator('header .brand').getByText('Gold Hooks').waitFor();
      await page.locator('main a.card-title').first().waitFor();
      const seen = await page.evaluate<{ page: string; link: string; button: string; text: string }>(`(() => ({
        page: getComputedStyle(document.body).backgroundColor,
        link: getComputedStyle(document.querySelector('main a.card-title')).color,
        button: getComputedStyle(document.querySelector('main .primary')).backgroundColor,
        text: getComputedStyle(document.querySelector('main .primary')).color,
      }))()`);
      expect(seen.page).toBe(rgb(background));
      expect(seen.button).toBe(rgb('#ffd700'));
      expect(seen.text).toBe(rgb('#000000'));
      // Gold on the light page is 1.4:1; the link is darkened until it reads (4.5:1 or more).
      expect(contrast(hexOf(seen.link), scheme === 'light' ? LIGHT.background : '#1b2129')).toBeGreaterThanOrEqual(4.5);
      await page.context().close();
    }
  }, STEP_TIMEOUT);

  it('keeps Herald\'s own look in the admin dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 640 }, colorScheme: 'light' });
    const page = await context.newPage();
    consoleErrors.watch(page);
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(herald.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in first: otherwise the sign-in's own move to #/apps can land after this navigation.
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await page.goto(`${herald.url}/#/apps/${apps[LIGHT.name]}`);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const admin = await looks(page);
    expect(admin).toMatchObject({ brand: 'Herald', logoLoaded: false, buttonBackground: rgb(HERALD_ACCENT), pageBackground: rgb(LIGHT.background) });
    await context.close();
  }, STEP_TIMEOUT);

  it('lets the admin set an app\'s branding and logo from the app\'s page, refusing an SVG with the API\'s reason', async () => {
    const appId = (await herald.api('POST', '/api/v1/apps', { name: 'Umbrella tenant' })).body.id;
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    consoleErrors.watch(page);
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(herald.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await page.goto(`${herald.url}/#/apps/${appId}`);
    await page.getByRole('heading', { name: 'Portal branding' }).waitFor();

    await page.getByLabel('Product name').fill('Umbrella Hooks');
    await page.getByLabel('Accent colour', { exact: true }).fill('#7048e8');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();
    await page.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: pngSquare(24, [112, 72, 232]) });
    await page.getByRole('button', { name: 'Remove logo' }).waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}/branding`)).body.own).toMatchObject({
      productName: 'Umbrella Hooks', accent: '#7048e8', theme: 'dark', logo: { contentType: 'image/png' },
    });

    // The API refuses an SVG (415, which Chromium logs); the panel shows why, and the logo stays.
    consoleErrors.allow(415, `/api/v1/apps/${appId}/branding/logo`);
    await page.getByLabel('Logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await page.getByText(/SVG logos are refused/).waitFor();
    expect((await herald.api('GET', `/api/v1/apps/${appId}/branding`)).body.own.logo).toMatchObject({ contentType: 'image/png' });
    // The admin dashboard itself stays in Herald's look.
    expect(await page.evaluate('document.querySelector("header .brand").textContent.trim()')).toBe('Herald');
    await screenshot(page, `${SHOTS}/admin-branding-panel.png`);
    await context.close();
  }, STEP_TIMEOUT);

  it('names the product and keeps its look when the portal link is revoked in use', async () => {
    // The portal's requests after the revocation are refused (401s, which Chromium logs; how many
    // depends on the screen): only those may be logged on this page.
    const revokedErrors = new ConsoleErrors();
    const page = await openPortal(apps[DARK.name]!, 'light', revokedErrors);
    const tokens = (await herald.api('GET', `/api/v1/apps/${apps[DARK.name]}/tokens?limit=100`)).body.data;
    for (const t of tokens) await herald.api('DELETE', `/api/v1/apps/${apps[DARK.name]}/tokens/${t.id}`);
    // The theme the page wears at the very moment the message appears: the expired screen must never
    // show the product's name in another look, however briefly (an effect after paint did, and this
    // test then read the light background now and then).
    await page.addInitScript(`
      new MutationObserver(() => {
        if (window.themeAtMessage === undefined && document.body?.textContent?.includes('This link has expired')) {
          window.themeAtMessage = document.documentElement.getAttribute('data-theme');
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    `);
    await page.reload();
    await page.getByText(`This link has expired; ask ${DARK.name} for a new one.`).waitFor();
    expect(await page.evaluate('window.themeAtMessage')).toBe(DARK.theme);
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe(rgb(DARK.background));
    await expect.poll(() => page.evaluate<number>("document.querySelector('main img')?.naturalWidth ?? 0")).toBeGreaterThan(0);
    await screenshot(page, `${SHOTS}/portal-branding-expired.png`, false);
    expect(revokedErrors.unexpected.filter((line) => !line.includes('status of 401'))).toEqual([]);
    await page.context().close();
  }, STEP_TIMEOUT);

  it('logged no console errors', () => {
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });
});
