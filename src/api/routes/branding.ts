import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isId } from '../../domain/ids.js';
import type { BrandLogo } from '../../domain/branding.js';
import type { BrandingService } from '../../services/branding-service.js';
import { ApiError } from '../../errors/api-errors.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const EffectiveBrandingSchema = Type.Object({
  productName: Nullable(Type.String({ description: 'named to customers in the portal; null when unset' })),
  accent: Nullable(Type.String({ description: '#rrggbb; null: Herald\'s own colours' })),
  accentText: Nullable(Type.String({ description: 'the text colour on the accent: #ffffff when it reaches 4.5:1, else #000000 (which then does)' })),
  accentLink: Type.Union([Type.Object({ light: Type.String(), dark: Type.String() }), Type.Null()], {
    description: 'the accent as link text, adjusted to reach 4.5:1 on the portal\'s light and dark backgrounds',
  }),
  theme: Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('auto')]),
  logoUrl: Nullable(Type.String({ description: 'relative to Herald\'s base URL; null: no logo' })),
});

/**
 * What the portal shows before (or without) a valid token: the expired-link screen names the
 * product, and the portal's header its name and logo. Public on purpose: branding is what the
 * product shows its customers, nothing about their data. `?app=` takes an app id (never a uid, which
 * may be guessable) and an unknown one answers the server's branding, so this never tells whether
 * an app exists. Logos are served here too: an <img> cannot send a bearer token (docs/branding.md).
 */
export function brandingRoutes(app: FastifyInstance, branding: BrandingService): void {
  app.get<{ Querystring: { app?: string } }>('/branding', {
    schema: {
      summary: 'The branding the portal applies: the server\'s, or one app\'s over it',
      querystring: Type.Object({ app: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: EffectiveBrandingSchema },
    },
  }, async (req, reply) => {
    const appId = req.query.app && isId(req.query.app, 'app') ? req.query.app : null;
    void reply.header('cache-control', 'no-cache');
    return branding.effective(appId);
  });

  app.get('/branding/logo', { schema: { summary: 'The server\'s default logo (--brand-logo)' } }, async (req, reply) =>
    sendLogo(req, reply, branding.defaultLogo()),
  );

  app.get<{ Params: { appId: string } }>('/branding/:appId/logo', {
    schema: { summary: 'An app\'s logo', params: Type.Object({ appId: Type.String({ maxLength: 64 }) }) },
  }, async (req, reply) => sendLogo(req, reply, isId(req.params.appId, 'app') ? await branding.appLogo(req.params.appId) : null));
}

function sendLogo(req: FastifyRequest, reply: FastifyReply, logo: BrandLogo | null) {
  if (!logo) throw new ApiError('not_found', 'no logo here');
  const etag = `"${logo.etag}"`;
  // A URL carrying the current digest (?v=, as the branding JSON gives it) never changes content:
  // cached for good. Any other is revalidated, so a replaced logo shows at the next load.
  const versioned = (req.query as { v?: string } | undefined)?.v === logo.etag;
  void reply.headers({
    'content-type': logo.contentType,
    'x-content-type-options': 'nosniff',
    'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag,
    // An image, never a document: nothing in it may run or load anything even if opened directly.
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'same-origin',
  });
  if (req.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.send(logo.bytes);
}
