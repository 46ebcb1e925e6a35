import { Type } from 'typebox';
import { ApiError, notFound } from '../../errors/api-errors.js';
import type { Capability } from '../route-access.js';
import { PORTAL_TTL_DEFAULT_S, PORTAL_TTL_MAX_S } from '../../services/token-service.js';
import { portalLinkUrl } from '../routes/portal-embed-link.js';
import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { SvixPortalAccessIn } from './svix-bodies.js';
import { refuseUnsupported } from './svix-json.js';
import { SVIX_TAG, svixAdminWrite } from './svix-wire.js';

// Svix's app portal access answered with Herald's own portal: a portal link (docs/tenants-and-tokens.md)
// whose `url` opens Herald's portal for the app and whose `token` is the link's token.

const tags = [SVIX_TAG];

/** Svix's portal capabilities as Herald's (route-access.ts CAPABILITIES). */
const CAPABILITY_MAP: Record<string, Capability[]> = {
  ViewBase: ['endpoints:read', 'messages:read'],
  ViewEndpointSecret: ['secrets:read'],
  ManageEndpointSecret: ['secrets:read', 'secrets:rotate'],
  CreateAttempts: ['messages:resend', 'recover'],
  ManageEndpoint: ['endpoints:write', 'secrets:read', 'secrets:rotate'],
  // Herald's transformations are part of the endpoint (edited with endpoints:write).
  ManageTransformations: ['endpoints:write'],
};
const READ_ONLY: Capability[] = ['endpoints:read', 'messages:read'];

function capabilitiesOf(asked: string[] | null | undefined, readOnly: boolean | null | undefined): Capability[] | null {
  if (asked && asked.length > 0) {
    const unknown = asked.filter((c) => !(c in CAPABILITY_MAP));
    if (unknown.length > 0) throw new ApiError('validation_error', `unknown capability ${unknown.join(', ')}; Svix's capabilities are ${Object.keys(CAPABILITY_MAP).join(', ')}`);
    return [...new Set(asked.flatMap((c) => CAPABILITY_MAP[c]!))];
  }
  return readOnly ? READ_ONLY : null;
}

const ExpireAllIn = Type.Object(
  { expiry: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 259200 }), Type.Null()])), sessionIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })) },
  { additionalProperties: false },
);

export function svixAuthRoutes(api: Api, ctx: SvixContext): void {
  // `{app_id}` may name an app that `application` creates, so the app is resolved here, not by the tenancy hook.
  api.post('/api/v1/auth/app-portal-access/:app_id', { config: svixAdminWrite, schema: { tags, params: Type.Object({ app_id: Type.String({ maxLength: 128 }) }), body: SvixPortalAccessIn } }, async (req) => {
    const route = 'POST /api/v1/auth/app-portal-access/{app_id}';
    refuseUnsupported(route, { featureFlags: req.body.featureFlags, sessionId: req.body.sessionId });
    let app = await ctx.apps.find(req.params.app_id);
    if (!app) {
      const asked = req.body.application;
      if (!asked || req.params.app_id.startsWith('app_')) throw notFound('app', req.params.app_id);
      refuseUnsupported(route, { throttleRate: asked.throttleRate, rateLimit: asked.rateLimit });
      app = await ctx.apps.create({ name: asked.name, uid: asked.uid ?? req.params.app_id }, asked.metadata);
    }
    const ttl = req.body.expiry ?? PORTAL_TTL_DEFAULT_S;
    if (ttl > PORTAL_TTL_MAX_S) throw new ApiError('validation_error', `expiry must be at most ${PORTAL_TTL_MAX_S} seconds: Herald's portal links live a day at most`);
    const capabilities = capabilitiesOf(req.body.capabilities, req.body.readOnly);
    const issued = await ctx.tokens.issue(app.id, 'portal', 'svix app portal access', ttl, { capabilities, eventTypes: null });
    return { url: portalLinkUrl(ctx.publicUrl(), app.id, issued.record.id, issued.token), token: issued.token };
  });

  // Every portal link of the app stops at once; Svix's delayed expiry and per-session expiry are not Herald's.
  api.post('/api/v1/auth/app/:appId/expire-all', { config: svixAdminWrite, schema: { tags, params: AppParams, body: ExpireAllIn } }, async (req, reply) => {
    refuseUnsupported('POST /api/v1/auth/app/{app_id}/expire-all', { expiry: req.body.expiry || undefined, sessionIds: req.body.sessionIds });
    await ctx.tokens.revokePortalLinks(tenantApp(req).id);
    return reply.status(204).send();
  });
}
