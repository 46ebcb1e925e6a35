import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { ConsoleErrors, launchBrowser, screenshot, skipBrowserTests } from './browser.js';

// The event catalogue in a real browser: the admin's catalogue screen (grouped, searchable, fields
// as a table, example, deprecated badge; create with a refused example, import, delete), the
// portal's read-only catalogue, and the endpoint form's grouped picker. Zero console errors.

const SHOTS = 'test-results/catalogue';
const STEP_TIMEOUT = 60_000;
const officeRndText = readFileSync(new URL('../fixtures/officernd-webhooks.openapi.json', import.meta.url), 'utf8');

const skip = skipBrowserTests();

describe.skipIf(skip)('event catalogue in Chromium', () => {
  let herald: TestHerald;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let appId: string;

  beforeAll(async () => {
    herald = await startTestHerald();
    const imported = await herald.api('POST', '/api/v1/event-types/import', JSON.parse(officeRndText));
    expect(imported.body.created).toHaveLength(4);
    appId = (await herald.api('POST', '/api/v1/apps', { name: 'Acme Coworking' })).body.id;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    consoleErrors.watch(page);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('shows the admin the catalogue grouped, each type with its fields, example and deprecated badge', async () => {
    await page.goto(herald.url);
    await page.getByLabel('Admin token').fill(herald.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event catalogue' }).click();
    await page.getByRole('heading', { name: 'Event catalogue' }).waitFor();

    const members = page.getByRole('region', { name: /^Members/ });
    const companies = page.getByRole('region', { name: /^Companies/ });
    // The heading shows before the catalogue has loaded: wait for the list itself.
    await expect.poll(() => members.locator('[data-event-type]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type'))))
      .toEqual(['member.created', 'member.removed', 'member.updated']);
    expect(await companies.locator('[data-event-type]').count()).toBe(1);
    expect(await members.locator('[data-event-type="member.removed"]').getByText('Deprecated').isVisible()).toBe(true);
    expect(await members.locator('[data-event-type="member.created"]').getByText('Deprecated').count()).toBe(0);

    const created = members.locator('[data-event-type="member.created"]');
    await created.locator('summary').click();
    const table = created.getByRole('table', { name: 'Fields of member.created' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // The $ref to Member is followed: nested properties under dotted names, with type, required and description.
    expect(rows).toContainEqual(['object', 'object', 'required', '']);
    expect(rows).toContainEqual(['object.email', 'string (email)', 'required', '']);
    expect(rows).toContainEqual(['object._id', 'string', 'required', "the member's id"]);
    expect(rows).toContainEqual(['object.team', 'string | null', 'optional', "the team's id"]);
    expect(rows).toContainEqual(['previousAttributes', 'object', 'optional', "updated events only: the changed fields' previous values"]);
    expect(await created.locator('pre').textContent()).toContain('"email": "jonathan.brown@example.com"');
    await screenshot(page, `${SHOTS}/01-admin-catalogue.png`);

    await page.getByRole('searchbox', { name: 'Search event types' }).fill('payment member');
    await expect.poll(() => page.locator('[data-event-type]').count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Search event types' }).fill('payment');
    await expect.poll(() => page.locator('[data-event-type]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type'))))
      .toEqual(['company.paymentdetails.removed']);
    await page.getByRole('searchbox', { name: 'Search event types' }).fill('');
  }, STEP_TIMEOUT);

  it('lets the admin create a type (a mismatching example is refused with its path), import a document and delete a type', async () => {
    await page.getByRole('button', { name: 'New event type' }).click();
    await page.getByLabel('Name', { exact: true }).fill('desk.booked');
    await page.getByLabel('Group (optional)').fill('Bookings');
    await page.getByLabel('Description (optional)').fill('A desk was booked');
    await page.getByLabel(/^Schema of the data/).fill(JSON.stringify({
      type: 'object', required: ['desk'], properties: { desk: { type: 'string', description: 'the desk name' }, hours: { type: 'integer' } },
    }));
    await page.getByLabel(/^Examples/).fill('[{"desk": "D-12", "hours": "four"}]');
    consoleErrors.allow(422, '/event-types'); // the refusal this step is about
    await page.getByRole('button', { name: 'Create event type' }).click();
    const exampleError = page.locator('[data-field-error="event-type-examples"]');
    await exampleError.waitFor();
    expect(await exampleError.textContent()).toContain('example 1, /hours: must be integer');
    await screenshot(page, `${SHOTS}/02-example-refused.png`);
    await page.getByLabel(/^Examples/).fill('[{"desk": "D-12", "hours": 4}]');
    await page.getByRole('button', { name: 'Create event type' }).click();
    await page.getByText('Saved desk.booked.').waitFor();
    const bookings = page.getByRole('region', { name: /^Bookings/ });
    await bookings.locator('[data-event-type="desk.booked"]').waitFor();
    expect((await herald.api('GET', '/api/v1/event-types/desk.booked')).body).toMatchObject({ group: 'Bookings', examples: [{ desk: 'D-12', hours: 4 }] });

    await page.getByRole('button', { name: 'Import from OpenAPI' }).click();
    await page.getByLabel('…or paste it here').fill(officeRndText);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Created 0, updated 4, skipped 3.').waitFor();
    expect(await page.locator('.import-result li').allTextContents()).toContainEqual(expect.stringContaining('office.ping'));
    await screenshot(page, `${SHOTS}/03-import.png`);
    await page.getByRole('button', { name: 'Close' }).click();

    const booked = bookings.locator('[data-event-type="desk.booked"]');
    await booked.locator('summary').click();
    await booked.getByRole('button', { name: 'Delete', exact: true }).click();
    await booked.getByRole('button', { name: 'Delete desk.booked' }).click();
    await page.getByText('Deleted desk.booked.').waitFor();
    expect((await herald.api('GET', '/api/v1/event-types/desk.booked')).status).toBe(404);
  }, STEP_TIMEOUT);

  it('shows a portal customer the catalogue read-only, and the endpoint form picks a whole group', async () => {
    const link = (await herald.api('POST', `/api/v1/apps/${appId}/portal-link`, {})).body;
    const portal = await context.newPage();
    consoleErrors.watch(portal);
    await portal.goto(link.url);
    await portal.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Event catalogue' }).click();
    await portal.getByRole('heading', { name: 'Event catalogue' }).waitFor();
    await portal.getByRole('region', { name: /^Members/ }).waitFor();
    expect(await portal.getByRole('button', { name: 'New event type' }).count()).toBe(0);
    const removed = portal.locator('[data-event-type="member.removed"]');
    await removed.locator('summary').click();
    await removed.getByRole('table').waitFor();
    expect(await removed.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await screenshot(portal, `${SHOTS}/04-portal-catalogue.png`);

    await portal.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Endpoints' }).click();
    await portal.getByRole('link', { name: 'Add endpoint' }).click();
    await portal.getByLabel('Payload URL').fill('https://example.com/hooks');
    await portal.getByRole('switch', { name: 'Send me everything' }).uncheck();
    const membersGroup = portal.getByRole('group', { name: 'Members' });
    await membersGroup.getByRole('checkbox', { name: 'All Members events' }).check();
    for (const name of ['member.created', 'member.removed', 'member.updated']) {
      expect(await membersGroup.getByRole('checkbox', { name: new RegExp(name.replace('.', '\\.')) }).isChecked(), name).toBe(true);
    }
    expect(await portal.getByRole('group', { name: 'Companies' }).getByRole('checkbox', { name: /company\.paymentdetails\.removed/ }).isChecked()).toBe(false);
    await membersGroup.getByRole('checkbox', { name: /member\.removed/ }).uncheck();
    expect(await membersGroup.getByRole('checkbox', { name: 'All Members events' }).evaluate((el) => (el as { indeterminate: boolean }).indeterminate)).toBe(true);
    await screenshot(portal, `${SHOTS}/05-grouped-picker.png`);
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByRole('heading', { name: 'https://example.com/hooks' }).waitFor();
    const [endpoint] = (await herald.api('GET', `/api/v1/apps/${appId}/endpoints`)).body.data;
    expect(endpoint.eventTypes.sort()).toEqual(['member.created', 'member.updated']);
  }, STEP_TIMEOUT);

  it('logged no console errors', () => {
    expect(consoleErrors.unexpected).toEqual([]);
    expect(consoleErrors.unused).toEqual([]);
  });
});
