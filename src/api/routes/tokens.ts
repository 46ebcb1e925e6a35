import { Type } from 'typebox';
import { ApiError, notFound } from '../../errors/api-errors.js';
import { AppParams, Pagination } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import { PORTAL_TTL_DEFAULT_S, PORTAL_TTL_MAX_S, type TokenService } from '../../services/token-service.js';
import { page, type Api, type ApiContext } from './context.js';
import { adminAccess, adminRead } from '../route-access.js';
import { requestedCapabilities } from '../portal-scope.js';
import { EventTypeName, FrameOrigins } from '../../schemas/bodies.js';
import { checkFrameOrigins } from '../../domain/frame-origins.js';
import { embedSnippet, portalLinkUrl } from './portal-embed-link.js';

export const TokenCreate = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false });
const TokenParams = Type.Object({ appId: Type.String({ maxLength: 128 }), tokenId: Type.String({ maxLength: 64 }) });
export const PortalLinkCreate = Type.Object(
  {
    expiresIn: Type.Optional(Type.Integer({ minimum: 60, maximum: PORTAL_TTL_MAX_S, description: 'seconds' })),
    // Scoped links (docs/tenants-and-tokens.md): checked in portal-scope.ts, so an unknown one is named.
    capabilities: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16, description: 'default: all' })),
    eventTypes: Type.Optional(Type.Array(EventTypeName, { minItems: 1, maxItems: 1000, uniqueItems: true, description: 'default: every type' })),
    // Who may frame it (docs/embedding.md); absent: the app's allowedOrigins, [] framing refused.
    allowedOrigins: Type.Optional(FrameOrigins),
  },
  { additionalProperties: false },
);

export const tokenJson = (t: { id: string; name: string | null; kind: string; expiresAt: string | null; createdAt: string }) => ({
  id: t.id, name: t.name, kind: t.kind, expiresAt: t.expiresAt, createdAt: t.createdAt,
});

/** App-scoped tokens and portal links: issued by the admin (the product's backend) only. */
export function tokenRoutes(api: Api, ctx: ApiContext & { tokens: TokenService; publicUrl: string }): void {
  api.post('/api/v1/apps/:appId/tokens', { config: adminAccess, schema: { params: AppParams, body: TokenCreate, tags: ['tokens'] } }, async (req, reply) => {
    const issued = await ctx.tokens.issue(tenantApp(req).id, 'api', req.body.name ?? null, null);
    reply.status(201);
    // The only time the token text is shown: Herald keeps just its hash.
    return { ...tokenJson(issued.record), token: issued.token };
  });

  api.get('/api/v1/apps/:appId/tokens', { config: adminRead, schema: { params: AppParams, querystring: Pagination, tags: ['tokens'] } }, async (req) => {
    const result = await ctx.store.listTokens(tenantApp(req).id, page(req.query, 'tok'));
    return { ...result, data: result.data.map(tokenJson) };
  });

  api.delete('/api/v1/apps/:appId/tokens/:tokenId', { config: adminAccess, schema: { params: TokenParams, tags: ['tokens'] } }, async (req, reply) => {
    if (!(await ctx.store.deleteToken(tenantApp(req).id, req.params.tokenId))) throw notFound('token', req.params.tokenId);
    return reply.status(204).send();
  });

  api.post('/api/v1/apps/:appId/portal-link', { config: adminAccess, schema: { params: AppParams, body: PortalLinkCreate, tags: ['tokens'] } }, async (req, reply) => {
    const app = tenantApp(req);
    const ttl = req.body.expiresIn ?? PORTAL_TTL_DEFAULT_S;
    if (ttl > PORTAL_TTL_MAX_S) throw new ApiError('validation_error', `expiresIn must be at most ${PORTAL_TTL_MAX_S} seconds`);
    const capabilities = requestedCapabilities(req.body.capabilities);
    const allowedOrigins = req.body.allowedOrigins ? checkFrameOrigins(req.body.allowedOrigins) : null;
    const issued = await ctx.tokens.issue(app.id, 'portal', 'portal link', ttl, { capabilities, eventTypes: req.body.eventTypes ?? null, allowedOrigins });
    const url = portalLinkUrl(ctx.publicUrl, app.id, issued.record.id, issued.token);
    reply.status(201);
    // The token rides in the URL fragment, which browsers never send to a server or in a Referer.
    return {
      url,
      token: issued.token,
      expiresAt: issued.record.expiresAt,
      capabilities,
      eventTypes: issued.record.eventTypes ?? null,
      allowedOrigins: allowedOrigins ?? app.allowedOrigins,
      embed: embedSnippet(ctx.publicUrl, url, issued.record.expiresAt),
    };
  });
}
