import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { TokenService } from '../../services/token-service.js';
import type { Api, ApiContext } from './context.js';
import { adminAccess, CAPABILITIES, portalAnyLink } from '../route-access.js';

/** Scoped portal links: what the caller's link may do (for the portal), and revoking every link of an app. */
export function portalLinkRoutes(api: Api, ctx: ApiContext & { tokens: TokenService }): void {
  // The portal asks this to hide what its link may not do; the API refuses those calls anyway.
  api.get(
    '/api/v1/apps/:appId/portal-session',
    { config: portalAnyLink, schema: { params: AppParams, tags: ['tokens'], summary: "The caller's capabilities and event types in this app" } },
    async (req) => {
      const app = tenantApp(req);
      const p = req.principal;
      if (p.kind !== 'portal') return { appId: app.id, kind: p.kind, capabilities: [...CAPABILITIES], eventTypes: null };
      return { appId: app.id, kind: p.kind, capabilities: CAPABILITIES.filter((c) => p.scope.capabilities.has(c)), eventTypes: p.scope.eventTypes };
    },
  );

  // A leaked link, or a customer's access withdrawn: every portal link of the app answers 401 from now on.
  api.delete(
    '/api/v1/apps/:appId/portal-links',
    { config: adminAccess, schema: { params: AppParams, tags: ['tokens'], summary: 'Revoke every portal link of the app' } },
    async (req, reply) => {
      await ctx.tokens.revokePortalLinks(tenantApp(req).id);
      return reply.status(204).send();
    },
  );
}
