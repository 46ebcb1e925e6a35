import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// The event catalogue over HTTP (docs/event-catalogue.md): event types with a group, a JSON Schema
// for their data, examples, a deprecated flag and optional validation of publishes, on both stores.

warnIfNoPostgres('the event catalogue on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
const officeRnd = JSON.parse(readFileSync(new URL('../fixtures/officernd-webhooks.openapi.json', import.meta.url), 'utf8'));

const memberSchema = {
  type: 'object',
  required: ['object'],
  properties: {
    object: {
      type: 'object',
      required: ['_id', 'email'],
      properties: {
        _id: { type: 'string', description: "the member's id" },
        email: { type: 'string', format: 'email' },
        seats: { type: 'integer', minimum: 0 },
      },
    },
  },
};
const memberExample = { object: { _id: 'm1', email: 'ada@example.com', seats: 2 } };

describe.each(stores)('event catalogue ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let app: { id: string };
  let appToken: string;
  let portal: string;

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    schema = pg ? testSchema('event-catalogue') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    app = (await herald.api('POST', '/api/v1/apps', { name: 'Acme' })).body;
    appToken = (await herald.api('POST', `/api/v1/apps/${app.id}/tokens`, { name: 'backend' })).body.token;
    portal = (await herald.api('POST', `/api/v1/apps/${app.id}/portal-link`, {})).body.token;
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await receiver?.close();
  });

  it('creates, reads, updates, lists by group and deletes event types; POST on an existing name still updates it', async () => {
    const created = await herald.api('POST', '/api/v1/event-types', {
      name: 'member.created', description: 'A member joined', group: 'Members', schema: memberSchema, examples: [memberExample],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'member.created', description: 'A member joined', group: 'Members', schema: memberSchema, examples: [memberExample],
      deprecated: false, validation: 'off',
    });
    await herald.api('POST', '/api/v1/event-types', { name: 'member.removed', group: 'Members' });
    await herald.api('POST', '/api/v1/event-types', { name: 'company.created', group: 'Companies' });

    expect((await herald.api('GET', '/api/v1/event-types/member.created')).body).toEqual(created.body);
    expect((await herald.api('GET', '/api/v1/event-types/nothing.here')).body.code).toBe('not_found');

    const patched = await herald.api('PATCH', '/api/v1/event-types/member.created', { deprecated: true, description: 'Use member.added' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ deprecated: true, description: 'Use member.added', group: 'Members', schema: memberSchema });
    // POST as before: an existing name is updated, the fields not given are kept.
    const reposted = await herald.api('POST', '/api/v1/event-types', { name: 'member.created', description: 'A member joined' });
    expect(reposted.status).toBe(201);
    expect(reposted.body).toMatchObject({ description: 'A member joined', deprecated: true, schema: memberSchema, createdAt: created.body.createdAt });

    const members = await herald.api('GET', '/api/v1/event-types?group=Members');
    expect(members.body.data.map((e: any) => e.name)).toEqual(['member.created', 'member.removed']);
    const firstPage = await herald.api('GET', '/api/v1/event-types?group=Members&limit=1');
    expect(firstPage.body.done).toBe(false);
    const secondPage = await herald.api('GET', `/api/v1/event-types?group=Members&limit=1&iterator=${firstPage.body.iterator}`);
    expect(secondPage.body.data.map((e: any) => e.name)).toEqual(['member.removed']);
    expect((await herald.api('GET', '/api/v1/event-types?group=Companies')).body.data.map((e: any) => e.name)).toEqual(['company.created']);

    expect((await herald.api('DELETE', '/api/v1/event-types/company.created')).status).toBe(204);
    expect((await herald.api('GET', '/api/v1/event-types/company.created')).status).toBe(404);
    expect((await herald.api('DELETE', '/api/v1/event-types/company.created')).status).toBe(404);
  });

  it('refuses a schema that is not valid JSON Schema 2020-12, and examples that do not match it, with paths', async () => {
    const bad = await herald.api('POST', '/api/v1/event-types', { name: 'bad.schema', schema: { type: 'strng' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_schema');
    expect(bad.body.message).toMatch(/JSON Schema 2020-12/);
    const badRef = await herald.api('POST', '/api/v1/event-types', { name: 'bad.ref', schema: { $ref: 'https://example.com/member.json' } });
    expect(badRef.status).toBe(400);
    expect(badRef.body.code).toBe('invalid_schema');
    const draft7 = await herald.api('POST', '/api/v1/event-types', { name: 'bad.draft', schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' } });
    expect(draft7.body).toMatchObject({ code: 'invalid_schema' });

    const example = await herald.api('POST', '/api/v1/event-types', {
      name: 'bad.example', schema: memberSchema, examples: [memberExample, { object: { _id: 7, seats: -1 } }],
    });
    expect(example.status).toBe(422);
    expect(example.body.code).toBe('invalid_example');
    expect(example.body.errors).toEqual([{
      index: 1,
      errors: expect.arrayContaining([
        { path: '/object/email', message: 'is required' },
        { path: '/object/_id', message: 'must be string' },
        { path: '/object/seats', message: 'must be >= 0' },
      ]),
    }]);
    const patch = await herald.api('PATCH', '/api/v1/event-types/member.removed', { schema: memberSchema, examples: [{}] });
    expect(patch.body).toMatchObject({ code: 'invalid_example', errors: [{ index: 0, errors: [{ path: '/object', message: 'is required' }] }] });
    const noSchema = await herald.api('POST', '/api/v1/event-types', { name: 'no.schema', validation: 'reject' });
    expect(noSchema.status).toBe(400);
    expect(noSchema.body.message).toMatch(/needs a schema/);
    // Nothing refused was stored.
    for (const name of ['bad.schema', 'bad.ref', 'bad.draft', 'bad.example', 'no.schema']) {
      expect((await herald.api('GET', `/api/v1/event-types/${name}`)).status, name).toBe(404);
    }
    expect((await herald.api('GET', '/api/v1/event-types/member.removed')).body.schema).toBeNull();
  });

  it('imports an OpenAPI 3.1 document: one type per webhook, $refs resolved, and says what it created, updated and skipped', async () => {
    await herald.api('POST', '/api/v1/event-types', { name: 'member.updated', description: 'old text' });
    const res = await herald.api('POST', '/api/v1/event-types/import', officeRnd);
    expect(res.status).toBe(200);
    expect([...res.body.created, ...res.body.updated].sort()).toEqual(['company.paymentdetails.removed', 'member.created', 'member.removed', 'member.updated']);
    // member.created and member.removed exist from the first test; member.updated from just above.
    expect(res.body.updated.sort()).toEqual(['member.created', 'member.removed', 'member.updated']);
    expect(res.body.created).toEqual(['company.paymentdetails.removed']);
    const skipped = Object.fromEntries(res.body.skipped.map((s: any) => [s.name, s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['company created', 'invoice.created', 'office.ping']);
    expect(skipped['company created']).toMatch(/name/);
    expect(skipped['office.ping']).toMatch(/application\/json/);
    expect(skipped['invoice.created']).toMatch(/\/number must be string/);

    const updated = (await herald.api('GET', '/api/v1/event-types/member.updated')).body;
    expect(updated).toMatchObject({
      group: 'Members',
      description: 'A member was updated; previousAttributes holds the changed fields\' old values',
      examples: [{ object: { _id: '5e8c9df14d46c7001064c3ef', name: 'Jon Brown', email: 'jonathan.brown@example.com' }, previousAttributes: { name: 'Jonathan Brown' } }],
    });
    // The schema stands alone: the components it used are in its $defs.
    expect(updated.schema.$ref).toBe('#/$defs/MemberEventData');
    expect(Object.keys(updated.schema.$defs).sort()).toEqual(['Member', 'MemberEventData']);
    expect((await herald.api('GET', '/api/v1/event-types/member.removed')).body).toMatchObject({ deprecated: true, description: 'A member was removed' });
    const payment = (await herald.api('GET', '/api/v1/event-types/company.paymentdetails.removed')).body;
    expect(payment).toMatchObject({ group: 'Companies', examples: [{ company: '5e1d8bd37f8759001051b0e8' }] });

    // The imported schema validates publishes once validation is on.
    await herald.api('PATCH', '/api/v1/event-types/company.paymentdetails.removed', { validation: 'reject' });
    const wrong = await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages`, {
      eventType: 'company.paymentdetails.removed', data: { object: { _id: 'x', provider: 'paypal', card: { last4: '12' } }, company: 'c1' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual(expect.arrayContaining([
      { path: '/object/provider', message: 'must be equal to one of the allowed values' },
      { path: '/object/card/last4', message: 'must match pattern "^[0-9]{4}$"' },
    ]));

    const notOpenApi = await herald.api('POST', '/api/v1/event-types/import', { openapi: '3.0.3', paths: {} });
    expect(notOpenApi.status).toBe(400);
  });

  it('refuses a publish whose data does not match a validated type (422 with JSON Pointer paths); nothing is stored', async () => {
    await herald.api('POST', '/api/v1/event-types', { name: 'member.added', schema: memberSchema, validation: 'reject' });
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/validated`, eventTypes: ['member.added'] })).body;
    const res = await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages`, {
      eventType: 'member.added', data: { object: { _id: 'm1', email: 'not an email', seats: 'two', 'a/b': 1 } },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('schema_mismatch');
    expect(res.body.message).toMatch(/member\.added/);
    expect(res.body.errors).toEqual(expect.arrayContaining([
      { path: '/object/email', message: 'must match format "email"' },
      { path: '/object/seats', message: 'must be integer' },
    ]));
    const missing = await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'member.added', data: { object: {} } });
    expect(missing.body.errors).toEqual([{ path: '/object/_id', message: 'is required' }, { path: '/object/email', message: 'is required' }]);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages?eventType=member.added`)).body.data).toHaveLength(0);

    // Matching data goes through, byte for byte as published.
    const raw = '{"eventType":"member.added","data":{"object":{"_id":"m1","email":"ada@example.com","seats":1.0}}}';
    const ok = await fetch(`${herald.url}/api/v1/apps/${app.id}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' }, body: raw,
    });
    expect(ok.status).toBe(202);
    const [delivered] = await receiver.waitFor(1);
    expect(delivered!.url).toBe('/validated');
    expect(delivered!.body).toContain('"seats":1.0');
    expect(ep.id).toBeTruthy();

    // Turning validation off takes effect for the next publish in this process.
    await herald.api('PATCH', '/api/v1/event-types/member.added', { validation: 'off' });
    expect((await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'member.added', data: 'anything' })).status).toBe(202);
  });

  it('refuses a whole batch when any message fails, listing every failing index; with validation off anything goes', async () => {
    await herald.api('POST', '/api/v1/event-types', { name: 'member.batched', schema: memberSchema, validation: 'reject' });
    await herald.api('POST', '/api/v1/event-types', { name: 'member.loose', schema: memberSchema });
    const good = { eventType: 'member.batched', data: memberExample };
    const res = await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages/batch`, {
      messages: [good, { eventType: 'member.batched', data: [] }, { eventType: 'member.loose', data: 42 }, { eventType: 'member.batched', data: { object: { _id: 'x' } } }],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('schema_mismatch');
    expect(res.body.errors).toEqual([
      { index: 1, errors: [{ path: '', message: 'must be object' }] },
      { index: 3, errors: [{ path: '/object/email', message: 'is required' }] },
    ]);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages?eventType=member.batched`)).body.data).toHaveLength(0);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/messages?eventType=member.loose`)).body.data).toHaveLength(0);

    const accepted = await call(appToken, 'POST', `/api/v1/apps/${app.id}/messages/batch`, {
      messages: [good, { eventType: 'member.loose', data: 42 }, { eventType: 'not.in.catalogue', data: null }],
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data).toHaveLength(3);
  });

  it('lets app tokens and portal links read the catalogue, never write it', async () => {
    for (const token of [appToken, portal]) {
      expect((await call(token, 'GET', '/api/v1/event-types')).status).toBe(200);
      expect((await call(token, 'GET', '/api/v1/event-types/member.created')).body.name).toBe('member.created');
      for (const [method, path, body] of [
        ['POST', '/api/v1/event-types', { name: 'sneaky.type' }],
        ['PATCH', '/api/v1/event-types/member.removed', { deprecated: false }],
        ['DELETE', '/api/v1/event-types/member.created', undefined],
        ['POST', '/api/v1/event-types/import', officeRnd],
      ] as const) {
        const res = await call(token, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    }
    expect((await herald.api('GET', '/api/v1/event-types/sneaky.type')).status).toBe(404);
    // The PATCH tried above (deprecated: false) changed nothing: the import made member.removed deprecated.
    expect((await herald.api('GET', '/api/v1/event-types/member.removed')).body.deprecated).toBe(true);
    expect((await herald.api('GET', '/api/v1/event-types/member.created')).status).toBe(200);
  });

  it("sends a type's first example as a test event's data", async () => {
    const second = { object: { _id: 'm2', email: 'grace@example.com' } };
    await herald.api('POST', '/api/v1/event-types', { name: 'member.invited', schema: memberSchema, examples: [memberExample, second] });
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/test-event` })).body;
    const before = receiver.requests.length;
    const res = await call(portal, 'POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/test`, { eventType: 'member.invited' });
    expect(res.status).toBe(202);
    const arrived = await eventually(() => receiver.requests.slice(before).find((r) => r.url === '/test-event'));
    const body = JSON.parse(arrived.body);
    expect(body.type).toBe('member.invited');
    expect(body.data).toEqual(memberExample);
    // A type without examples still gets Herald's own test data.
    await herald.api('POST', '/api/v1/event-types', { name: 'plain.type' });
    await call(portal, 'POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/test`, { eventType: 'plain.type' });
    const plain = await eventually(() => receiver.requests.slice(before).find((r) => r.url === '/test-event' && r.body.includes('plain.type')));
    expect(JSON.parse(plain.body).data).toMatchObject({ test: true });
  });
});
