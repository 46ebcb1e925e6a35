import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idAt } from '../../src/domain/id-time.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Named operator tokens with roles, and the audit log (docs/operators.md), over HTTP with real
// tokens on both stores: what each role may and may not call, revocation, expiry, hash-only
// storage, one audit entry per write (refused ones and portal links' included) with no secret in
// it, the log's filters and pages, and retention deleting old entries.

warnIfNoPostgres('operator tokens and the audit log on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

const SECRET_HEADER = 'Bearer receiver-api-key-5f2c9';
const SECRET_QUERY = 'query-secret-7d1e';
const PAYLOAD_MARK = 'payload-mark-3b8a';

describe.each(stores)('operator tokens and audit log ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let app: { id: string };
  let base: string;
  let ep: { id: string; secret: string };
  let msg: { id: string };
  const tokens: Record<'viewer' | 'operator' | 'admin', { id: string; token: string; name: string }> = {} as never;

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  /** Every column of every operator_tokens row, as the database holds it. */
  async function operatorTokenRows(): Promise<Array<Record<string, unknown>>> {
    if (schema) return withPgClient(async (c) => (await c.query('SELECT * FROM operator_tokens')).rows, schema.name);
    const db = new Database(join(herald.dataDir, 'herald.db'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM operator_tokens').all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const auditLog = async (query = '') => (await herald.api('GET', `/api/v1/audit-log${query}`)).body;

  beforeAll(async () => {
    schema = pg ? testSchema('operators') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, adminRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    receiver = await startReceiver();
    app = (await herald.api('POST', '/api/v1/apps', { name: 'Acme', uid: 'acme' })).body;
    base = `/api/v1/apps/${app.id}`;
    ep = (await herald.api('POST', `${base}/endpoints`, {
      url: `${receiver.url}/hooks`, headers: { authorization: SECRET_HEADER }, query: { key: SECRET_QUERY },
    })).body;
    msg = (await herald.api('POST', `${base}/messages`, { eventType: 'invoice.paid', data: { mark: PAYLOAD_MARK } })).body;
    await eventually(async () => (await herald.api('GET', `${base}/messages/${msg.id}/attempts`)).body.data.length > 0);
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const res = await herald.api('POST', '/api/v1/tokens', { name: `${role}-alice`, role });
      expect(res.status).toBe(201);
      tokens[role] = { id: res.body.id, token: res.body.token, name: `${role}-alice` };
    }
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it('shows a token once, lists none of their texts, and keeps only their SHA-256', async () => {
    expect(tokens.viewer.token).toMatch(/^hrld_op_/);
    const listed = (await herald.api('GET', '/api/v1/tokens')).body;
    expect(listed.data.map((t: any) => [t.name, t.role])).toEqual([['admin-alice', 'admin'], ['operator-alice', 'operator'], ['viewer-alice', 'viewer']]);
    expect(JSON.stringify(listed)).not.toContain('hrld_op_');
    const rows = await operatorTokenRows();
    expect(rows).toHaveLength(3);
    const dump = JSON.stringify(rows);
    for (const t of Object.values(tokens)) {
      expect(dump).not.toContain(t.token);
      expect(rows.find((r) => r.id === t.id)?.token_hash).toBe(createHash('sha256').update(t.token).digest('hex'));
    }
    // A second token with a taken name, and a role that does not exist, are refused.
    expect(await herald.api('POST', '/api/v1/tokens', { name: 'viewer-alice', role: 'viewer' })).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(await herald.api('POST', '/api/v1/tokens', { name: 'x', role: 'root' })).toMatchObject({ status: 400, body: { code: 'validation_error' } });
  });

  it('lets a viewer read everything but secrets, and refuses every change naming the role needed', async () => {
    const v = tokens.viewer.token;
    expect((await call(v, 'GET', '/api/v1/apps')).body.data.map((a: any) => a.id)).toContain(app.id);
    const endpoint = await call(v, 'GET', `${base}/endpoints/${ep.id}`);
    expect(endpoint.status).toBe(200);
    expect(endpoint.body.headers).toEqual({ authorization: '(hidden: admin only)' });
    expect(endpoint.body.query).toEqual({ key: '(hidden: admin only)' });
    const listed = await call(v, 'GET', `${base}/endpoints`);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET_HEADER);
    const attempts = await call(v, 'GET', `${base}/messages/${msg.id}/attempts`);
    expect(attempts.status).toBe(200);
    expect(attempts.body.data[0].request.headers['webhook-id']).toBe(msg.id);
    expect(JSON.stringify(attempts.body)).not.toContain(SECRET_HEADER);
    expect(JSON.stringify(attempts.body)).not.toContain(SECRET_QUERY);
    // Message payloads are not secrets: a viewer reads them.
    expect((await call(v, 'GET', `${base}/messages/${msg.id}`)).body.data).toEqual({ mark: PAYLOAD_MARK });
    expect((await call(v, 'GET', '/api/v1/audit-log')).status).toBe(200);

    const secret = await call(v, 'GET', `${base}/endpoints/${ep.id}/secret`);
    expect(secret).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(secret.body.message).toContain('"admin" role');
    expect(JSON.stringify(secret.body)).not.toContain(ep.secret);
    expect(await call(v, 'POST', `${base}/messages/${msg.id}/endpoints/${ep.id}/resend`)).toMatchObject({ status: 403, body: { code: 'operator_role_required' } });
    expect(await call(v, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: true })).toMatchObject({ status: 403, body: { code: 'operator_role_required' } });
    expect(await call(v, 'POST', `${base}/endpoints/${ep.id}/recover`, { since: new Date().toISOString() })).toMatchObject({ status: 403, body: { code: 'operator_role_required' } });
    expect(await call(v, 'POST', '/api/v1/apps', { name: 'no' })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(v, 'POST', `${base}/messages`, { eventType: 'x', data: {} })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(v, 'POST', '/api/v1/tokens', { name: 'escalate', role: 'admin' })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect((await herald.api('GET', `${base}/endpoints/${ep.id}`)).body.disabled).toBe(false);
  });

  it('lets an operator resend, recover, disable and enable, but not change or see secrets', async () => {
    const o = tokens.operator.token;
    const before = receiver.requests.length;
    expect(await call(o, 'POST', `${base}/messages/${msg.id}/endpoints/${ep.id}/resend`)).toMatchObject({ status: 202, body: { msgId: msg.id } });
    await receiver.waitFor(before + 1);
    expect((await call(o, 'POST', `${base}/endpoints/${ep.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() })).status).toBe(202);
    expect(await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: true })).toMatchObject({ status: 200, body: { disabled: true } });
    expect(await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: false })).toMatchObject({ status: 200, body: { disabled: false } });
    // Anything beyond the switch is an admin's change, even beside it.
    expect(await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: true, url: 'https://evil.example/' })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { name: 'renamed' })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(o, 'DELETE', `${base}/endpoints/${ep.id}`)).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(o, 'GET', `${base}/endpoints/${ep.id}/secret`)).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect(await call(o, 'POST', `${base}/endpoints/${ep.id}/secret/rotate`, {})).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    expect((await call(o, 'GET', `${base}/endpoints/${ep.id}`)).body.headers).toEqual({ authorization: '(hidden: admin only)' });
    expect(await call(o, 'POST', `${base}/tokens`, { name: 'backend' })).toMatchObject({ status: 403, body: { code: 'admin_role_required' } });
    const endpoint = (await herald.api('GET', `${base}/endpoints/${ep.id}`)).body;
    expect(endpoint).toMatchObject({ url: `${receiver.url}/hooks`, name: null, disabled: false });
  });

  it('gives a named admin token everything the bootstrap admin token has, which keeps working', async () => {
    const a = tokens.admin.token;
    expect(await call(a, 'GET', `${base}/endpoints/${ep.id}/secret`)).toMatchObject({ status: 200, body: { secret: ep.secret } });
    expect((await call(a, 'GET', `${base}/endpoints/${ep.id}`)).body.headers).toEqual({ authorization: SECRET_HEADER });
    const created = await call(a, 'POST', '/api/v1/apps', { name: 'Made by admin-alice' });
    expect(created.status).toBe(201);
    expect((await call(a, 'DELETE', `/api/v1/apps/${created.body.id}`)).status).toBe(204);
    expect((await herald.api('GET', '/api/v1/apps')).status).toBe(200);
  });

  it('refuses a revoked token and an expired one with 401', async () => {
    const issued = (await herald.api('POST', '/api/v1/tokens', { name: 'short-lived', role: 'viewer', expiresIn: 60 })).body;
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect((await call(issued.token, 'GET', '/api/v1/apps')).status).toBe(200);
    expect((await herald.api('DELETE', `/api/v1/tokens/${issued.id}`)).status).toBe(204);
    expect(await call(issued.token, 'GET', '/api/v1/apps')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect((await herald.api('DELETE', `/api/v1/tokens/${issued.id}`)).body.code).toBe('not_found');
    expect((await herald.api('POST', '/api/v1/tokens', { name: 'too-short', role: 'viewer', expiresIn: 5 })).status).toBe(400);

    // Expired: a token whose time ran out an hour ago, stored as Herald stores one (its hash).
    const text = 'hrld_op_expired-token-for-the-test';
    await herald.store.createOperatorToken({
      id: idAt('opt', Date.now()), name: 'expired', role: 'admin', tokenHash: createHash('sha256').update(text).digest('hex'),
      expiresAt: new Date(Date.now() - 3_600_000).toISOString(), createdAt: new Date(Date.now() - 7_200_000).toISOString(),
    });
    expect(await call(text, 'GET', '/api/v1/apps')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it('writes one audit entry per change, refused and failed ones and portal links included, with no secret in them', async () => {
    const since = new Date().toISOString();
    const o = tokens.operator.token;
    await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: true });
    await call(o, 'PATCH', `${base}/endpoints/${ep.id}`, { disabled: false });
    await call(tokens.viewer.token, 'DELETE', `${base}/endpoints/${ep.id}`);
    const bad = await herald.api('PATCH', `${base}/endpoints/${ep.id}`, { url: 'not a url' });
    expect(bad.status).toBe(400);
    const link = (await herald.api('POST', `${base}/portal-link`, {})).body;
    const portalEp = await call(link.token, 'POST', `${base}/endpoints`, { url: `${receiver.url}/portal`, headers: { 'x-api-key': SECRET_HEADER } });
    expect(portalEp.status).toBe(201);
    const appToken = (await herald.api('POST', `${base}/tokens`, { name: 'backend' })).body;
    await call(appToken.token, 'DELETE', `${base}/endpoints/${portalEp.body.id}`);
    const op = (await herald.api('POST', '/api/v1/tokens', { name: 'temp', role: 'viewer' })).body;
    await call('not-a-token', 'DELETE', `${base}/endpoints/${ep.id}`);
    // Publishing changes state too: one entry per call, never the payload (checked below).
    const published = (await herald.api('POST', `${base}/messages`, { eventType: 'invoice.paid', data: { mark: PAYLOAD_MARK } })).body;
    await call(appToken.token, 'POST', `${base}/messages/batch`, { messages: [{ eventType: 'invoice.paid', data: { mark: PAYLOAD_MARK } }] });

    const entries = (await auditLog(`?since=${encodeURIComponent(since)}`)).data.reverse();
    expect(entries.map((e: any) => [e.token.kind, e.token.name, e.action, e.status, e.outcome])).toEqual([
      ['operator', 'operator-alice', 'endpoints.disable', 200, 'ok'],
      ['operator', 'operator-alice', 'endpoints.enable', 200, 'ok'],
      ['operator', 'viewer-alice', 'endpoints.delete', 403, 'admin_role_required'],
      ['admin', null, 'endpoints.update', 400, 'invalid_url'],
      ['admin', null, 'portal-link.create', 201, 'ok'],
      ['portal', 'portal link', 'endpoints.create', 201, 'ok'],
      ['admin', null, 'app-tokens.create', 201, 'ok'],
      ['app', 'backend', 'endpoints.delete', 204, 'ok'],
      ['admin', null, 'operator-tokens.create', 201, 'ok'],
      ['admin', null, 'messages.create', 202, 'ok'],
      ['app', 'backend', 'messages.batch', 202, 'ok'],
    ]);
    const [disable] = entries;
    expect(disable).toMatchObject({
      method: 'PATCH', route: '/api/v1/apps/:appId/endpoints/:endpointId', appId: app.id,
      targets: { appId: app.id, endpointId: ep.id }, requestId: expect.stringMatching(/^req_/),
      token: { kind: 'operator', id: tokens.operator.id, name: 'operator-alice', role: 'operator' },
    });
    expect(Date.parse(disable.at)).toBeGreaterThanOrEqual(Date.parse(since));
    expect(entries[5].targets).toEqual({ appId: app.id, endpointId: portalEp.body.id });
    expect(entries[8].targets).toEqual({ tokenId: op.id });
    expect(entries[9].targets).toEqual({ appId: app.id, msgId: published.id });
    const all = JSON.stringify((await auditLog('?limit=250')).data);
    for (const secret of [SECRET_HEADER, SECRET_QUERY, PAYLOAD_MARK, ep.secret, portalEp.body.secret, link.token, appToken.token, op.token, ...Object.values(tokens).map((t) => t.token)]) {
      expect(all).not.toContain(secret);
    }
    // Reads are not changes.
    expect(all).not.toContain('"GET"');
  });

  it('filters the audit log by time, token, app and action, in pages', async () => {
    const everything = (await auditLog('?limit=250')).data;
    expect(everything.length).toBeGreaterThan(8);
    expect((await auditLog(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).data).toEqual([]);
    const byToken = (await auditLog('?token=operator-alice')).data;
    expect(byToken.length).toBeGreaterThan(0);
    expect(byToken.every((e: any) => e.token.name === 'operator-alice')).toBe(true);
    expect((await auditLog(`?token=${tokens.operator.id}`)).data).toEqual(byToken);
    const byApp = (await auditLog('?app=acme')).data;
    expect(byApp.length).toBeGreaterThan(0);
    expect(byApp.every((e: any) => e.appId === app.id)).toBe(true);
    expect(byApp.length).toBeLessThan(everything.length);
    const disables = (await auditLog('?action=endpoints.disable')).data;
    expect(disables.map((e: any) => e.action)).toEqual(disables.map(() => 'endpoints.disable'));
    expect(disables.length).toBeGreaterThanOrEqual(2);
    const first = await auditLog('?limit=3');
    expect(first.data).toEqual(everything.slice(0, 3));
    const second = await auditLog(`?limit=3&iterator=${first.iterator}`);
    expect(second.data).toEqual(everything.slice(3, 6));
    expect((await herald.api('GET', '/api/v1/audit-log?iterator=nope')).body.code).toBe('validation_error');
    expect((await herald.api('GET', '/api/v1/audit-log?since=yesterday')).body.code).toBe('validation_error');
  });

  it('deletes entries older than the retention period with the messages\' purge', async () => {
    const old = Date.now() - 40 * 86_400_000;
    await herald.store.appendAudit({
      id: idAt('aud', old), at: new Date(old).toISOString(), tokenKind: 'admin', tokenId: null, tokenName: null, role: 'admin',
      requestId: 'req_old', method: 'POST', route: '/api/v1/apps', action: 'apps.create', appId: null, targets: {}, status: 201, outcome: 'ok',
    });
    const before = (await auditLog('?limit=250')).data;
    expect(before.some((e: any) => e.requestId === 'req_old')).toBe(true);
    const counts = await herald.operations.retention!.runPass();
    expect(counts.audit).toBe(1);
    const after = (await auditLog('?limit=250')).data;
    expect(after.some((e: any) => e.requestId === 'req_old')).toBe(false);
    expect(after.length).toBe(before.length - 1);
  });
});

describe('audit log and the rate limit', () => {
  it('records the calls that ran, not those the rate limit refused (a flood is not turned into writes)', async () => {
    const herald = await startTestHerald({ tokenRateLimit: 1 });
    try {
      const app = (await herald.api('POST', '/api/v1/apps', { name: 'Busy' })).body;
      const token = (await herald.api('POST', `/api/v1/apps/${app.id}/tokens`, {})).body.token as string;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${herald.url}/api/v1/apps/${app.id}/endpoints`, {
          method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'not a url' }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toContain(429);
      const byApp = (await herald.api('GET', '/api/v1/audit-log?action=endpoints.create&limit=250')).body.data;
      expect(byApp.map((e: any) => e.status)).toEqual(statuses.filter((s) => s !== 429));
    } finally {
      await herald.stop();
    }
  });
});
