import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DASHBOARD_DIR } from '../../src/api/routes/dashboard.js';
import { skipOutsideCi } from '../helpers/skip-outside-ci.js';

/** The Debian package's binary (`.ci/run` installs it); without it the browser tests are skipped. */
export const CHROMIUM_PATH = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * Whether a browser test file skips: Chromium or the built dashboard is missing (a warning
 * locally; with CI=true the file fails instead, see skip-outside-ci.ts).
 */
export function skipBrowserTests(): boolean {
  return skipOutsideCi(
    'Browser tests',
    !hasChromium ? `${CHROMIUM_PATH} is missing (apt-get install -y chromium, or run .ci/run)`
      : !existsSync(`${DASHBOARD_DIR}/index.html`) ? 'the dashboard is not built (npx vite build, or npm run build)' : null,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox: CI runs as root in a container. The rest keeps Chromium from reaching out to
    // Google services: the tests talk to loopback servers only.
    args: [
      '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Every console error and uncaught exception of the pages it watches, to assert there were none.
 * Chromium also logs each HTTP error answer to fetch() as a console error ("Failed to load
 * resource: … 400"); a test that provokes one on purpose announces it with `allow`, and each
 * announcement excuses exactly one such line.
 */
export class ConsoleErrors {
  readonly unexpected: string[] = [];
  private readonly allowed: Array<{ status: number; path: string }> = [];

  watch(page: Page): void {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location().url ?? '';
      const status = /status of (\d{3})/.exec(msg.text())?.[1];
      const i = this.allowed.findIndex((a) => String(a.status) === status && new URL(where, 'http://x').pathname.endsWith(a.path));
      if (i >= 0) this.allowed.splice(i, 1);
      else this.unexpected.push(`${page.url()}: ${msg.text()} ${where}`.trim());
    });
    page.on('pageerror', (err) => this.unexpected.push(`${page.url()}: uncaught ${err.message}`));
  }

  allow(status: number, path: string): void {
    this.allowed.push({ status, path });
  }

  /** Announced errors that never came: the provoked failure did not happen as the test thought. */
  get unused(): string[] {
    return this.allowed.map((a) => `${a.status} ${a.path}`);
  }
}

export async function screenshot(page: Page, path: string, fullPage = true): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage, animations: 'disabled' });
}

/** A desktop-sized page (1280×900, 10 s default timeout) whose console `errors` watches. */
export async function openPage(browser: Browser, errors: ConsoleErrors): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  errors.watch(page);
  return page;
}

/**
 * Signs in to the dashboard at `url` with the admin token, and waits until the sign-in has landed
 * on the apps list: navigating on before that raced the sign-in's own move to #/apps.
 */
export async function signInAsAdmin(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
}
