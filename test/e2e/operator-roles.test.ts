import { describe, expect, it } from 'vitest';
import { OPERATOR_ROLES } from '../../src/domain/operators.js';
import { OperatorTokenCreate } from '../../src/api/routes/operator-tokens.js';
import { startTestHerald } from '../helpers/test-herald.js';

// The least role each API route needs from a named operator token (docs/operators.md), read from
// the routes as registered. Reads are for viewers, except those that reveal a secret; changes are
// for admins, except the operator's few: resend, recover (and Svix's replay-missing), and enabling
// or disabling an endpoint.

/** The only changes an operator may make (PATCH endpoint only with a body of just `disabled`). */
const OPERATOR_CHANGES = [
  'POST /api/v1/apps/:appId/endpoints/:endpointId/recover',
  'POST /api/v1/apps/:appId/messages/:msgId/endpoints/:endpointId/resend',
  // The same operations in Svix's API (src/api/svix).
  'POST /api/v1/app/:appId/endpoint/:endpointId/recover',
  'POST /api/v1/app/:appId/msg/:msgId/endpoint/:endpointId/resend',
  // Svix's replay-missing: sends an endpoint the messages it never had, a resend of those.
  'POST /api/v1/app/:appId/endpoint/:endpointId/replay-missing',
];
/** Reads that show a secret: admin only. */
const SECRET_READS = ['GET /api/v1/apps/:appId/endpoints/:endpointId/secret', 'GET /api/v1/app/:appId/endpoint/:endpointId/secret'];

describe('operator roles per route', () => {
  it('gives viewers every read but secrets, operators only their changes, admins the rest', async () => {
    const herald = await startTestHerald();
    try {
      const routes = herald.server.heraldRoutes.filter((r) => r.role !== null);
      expect(routes.length).toBeGreaterThan(40);
      const wrong: string[] = [];
      for (const r of routes) {
        const key = `${r.method} ${r.url}`;
        const expected = r.method === 'GET' ? (SECRET_READS.includes(key) ? 'admin' : 'viewer') : OPERATOR_CHANGES.includes(key) ? 'operator' : 'admin';
        if (r.role !== expected) wrong.push(`${key}: states "${r.role}", the rule above says "${expected}" (change the route's config.role, or this rule and docs/operators.md)`);
      }
      expect(wrong).toEqual([]);
      for (const key of [...OPERATOR_CHANGES, ...SECRET_READS]) expect(routes.map((r) => `${r.method} ${r.url}`)).toContain(key);
    } finally {
      await herald.stop();
    }
  });

  it('accepts exactly the roles the domain names', () => {
    const literals = (OperatorTokenCreate.properties.role as unknown as { anyOf: Array<{ const: string }> }).anyOf.map((l) => l.const);
    expect(literals).toEqual([...OPERATOR_ROLES]);
  });
});
