import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { accessProblem, adminAccess, appAccess, assertRouteAccess, portalAnyLink, portalNeeds } from '../../src/api/route-access.js';

// Who may call a route, and with which capability a portal link may, is stated by every route:
// build-server.ts refuses to start on a route whose config leaves either to a default.

describe('route access as data', () => {
  it('accepts a stated level, and a portal route that names its capability or says any link may call it', () => {
    for (const config of [adminAccess, appAccess, portalAnyLink, portalNeeds('endpoints:write'), portalNeeds('recover')]) {
      expect(accessProblem(config), JSON.stringify(config)).toBeNull();
    }
  });

  it('refuses a route without access, a portal route without a capability, and an unknown capability', () => {
    expect(accessProblem(undefined)).toMatch(/config\.access/);
    expect(accessProblem({})).toMatch(/config\.access/);
    expect(accessProblem({ access: 'portal' })).toMatch(/config\.capability/);
    expect(accessProblem({ access: 'portal', capability: 'billing:write' as never })).toMatch(/"billing:write"/);
  });

  it('stops a server at start-up when an /api route leaves a portal capability unstated, as build-server.ts does', async () => {
    // The check build-server.ts runs on every /api route, on a bare Fastify: registration fails.
    const app = Fastify();
    app.addHook('onRoute', (route) => assertRouteAccess(route));
    app.get('/api/v1/fine', { config: portalNeeds('endpoints:read') }, async () => 'ok');
    expect(() => app.get('/api/v1/forgot', { config: { access: 'portal' } }, async () => 'no')).toThrow(/GET \/api\/v1\/forgot .*config\.capability/);
    await app.close();
  });
});
