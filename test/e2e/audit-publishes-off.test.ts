import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// --no-audit-publishes: publish calls stay out of the audit log (each message is still its own
// record), every other change is still written. The default (publishes audited) is covered by
// test/e2e/operators.test.ts.

warnIfNoPostgres('--no-audit-publishes on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('--no-audit-publishes ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;

  beforeAll(async () => {
    schema = pg ? testSchema('audit_publishes_off') : null;
    herald = await startTestHerald({ auditPublishes: false, ...(schema ? { database: schema.url } : {}) });
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  it('records the app and endpoint it creates, and not the publishes', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Quiet', uid: 'quiet' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'https://example.com/hook' });
    const one = await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'invoice.paid', data: { n: 1 } });
    expect(one.status).toBe(202);
    const batch = await herald.api('POST', `/api/v1/apps/${app.id}/messages/batch`, { messages: [{ eventType: 'invoice.paid', data: { n: 2 } }] });
    expect(batch.status).toBe(202);
    const actions = (await herald.api('GET', '/api/v1/audit-log?limit=250')).body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['endpoints.create', 'apps.create']);
    // The message is still its own record.
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages/${one.body.id}`)).status).toBe(200);
  });
});
