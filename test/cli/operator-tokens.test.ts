import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { runCli } from './run-cli.js';

// `herald tokens` and `herald audit-log` against a running Herald (docs/operators.md).

let herald: TestHerald;
let env: Record<string, string>;

beforeAll(async () => {
  herald = await startTestHerald();
  env = { HERALD_URL: herald.url, HERALD_TOKEN: herald.token };
  await herald.api('POST', '/api/v1/apps', { name: 'Billing', uid: 'billing' });
});
afterAll(async () => {
  await herald.stop();
});

describe('herald tokens and herald audit-log', () => {
  it('creates a token printed once, lists it without its text, and revokes it', async () => {
    const created = await runCli(['tokens', 'create', '--name', 'alice', '--role', 'operator', '--expires-in', '90d'], { env });
    expect(created.code, created.err).toBe(0);
    const [, id, text] = /✓ created (opt_\S+) "alice" \(operator, expires \S+\)\n(hrld_op_\S+)\n/.exec(created.out) ?? [];
    expect(id, created.out).toBeTruthy();
    expect(created.err).toContain('only time the token is shown');
    expect((await fetch(`${herald.url}/api/v1/apps`, { headers: { authorization: `Bearer ${text}` } })).status).toBe(200);

    const listed = await runCli(['tokens', 'list'], { env });
    expect(listed.out).toMatch(/alice\s+operator/);
    expect(listed.out).not.toContain(text!);

    expect((await runCli(['tokens', 'revoke', id!], { env })).out).toBe(`✓ revoked ${id}\n`);
    expect((await fetch(`${herald.url}/api/v1/apps`, { headers: { authorization: `Bearer ${text}` } })).status).toBe(401);
    const again = await runCli(['tokens', 'revoke', id!], { env });
    expect(again.code).toBe(1);
    expect(again.err).toContain('not found');
    const badRole = await runCli(['tokens', 'create', '--name', 'x', '--role', 'root'], { env });
    expect(badRole.code).toBe(1);
    expect(badRole.err).toContain('--role must be viewer, operator or admin');
  });

  it('prints the audit log, filtered by token and action', async () => {
    const all = await runCli(['audit-log'], { env });
    expect(all.code, all.err).toBe(0);
    expect(all.out).toMatch(/admin token\s+operator-tokens\.create/);
    expect(all.out).toMatch(/admin token\s+operator-tokens\.delete\s+opt_\S+\s+204 ok/);
    expect(all.out).toMatch(/404 not_found/);
    const json = JSON.parse((await runCli(['audit-log', '--action', 'apps.create', '--app', 'billing', '--json'], { env })).out);
    expect(json.data.map((e: any) => e.action)).toEqual(['apps.create']);
    expect((await runCli(['audit-log', '--by', 'nobody'], { env })).out).toBe('no audit log entries\n');
  });
});
