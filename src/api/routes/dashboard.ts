import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { portalEmbedScriptRoute } from './portal-embed.js';

/**
 * `vite build` output. This file sits three levels below the package root both as source
 * (src/api/routes) and compiled (dist/api/routes), so one relative path serves tests and `npm start`.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

// The dashboard loads nothing from elsewhere and runs no inline script; the portal token rides in
// the URL fragment, and no-referrer keeps even the page's path out of other sites' logs. Only a
// portal link's page may be framed, and only by the origins that link allows (portal-embed.ts).
export function securityHeaders(frameAncestors: readonly string[] = []): Record<string, string> {
  const framing = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'";
  return {
    'content-security-policy':
      `default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors ${framing}; form-action 'self'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // Older browsers ignore frame-ancestors; X-Frame-Options has no "these origins" form, so a
    // page some origins may frame sends none and relies on the CSP.
    ...(frameAncestors.length > 0 ? {} : { 'x-frame-options': 'DENY' }),
  };
}
const SECURITY_HEADERS = securityHeaders();

/**
 * Serves the web dashboard (src/dashboard) at `/`: hashed assets cached for good, index.html
 * revalidated on every load so a new release shows at once, and any other extension-less path
 * redirected to the matching client-side route (single-page app fallback). /api/… paths never
 * reach the fallback.
 */
export async function dashboardRoutes(
  app: FastifyInstance,
  options: { version: string; root?: string; portalFrameAncestors?: (linkId: string) => Promise<string[]> },
): Promise<void> {
  const root = options.root ?? DASHBOARD_DIR;
  portalEmbedScriptRoute(app);
  if (!existsSync(`${root}/index.html`)) {
    // Not built (running from source without `npm run build`): say so where the page would be.
    app.get('/', { schema: { summary: 'The web dashboard' } }, async () => ({
      name: 'Herald', version: options.version, api: '/api/v1', health: '/healthz',
      dashboard: 'not built: run `npm run build`',
    }));
    return;
  }
  // The build is immutable while Herald runs: list it once instead of touching the disk per request.
  const files = new Set(readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/')));

  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false });
    const sendIndex = (reply: FastifyReply, headers = SECURITY_HEADERS) =>
      reply.headers({ ...headers, 'cache-control': 'no-cache' }).sendFile('index.html', { cacheControl: false });

    scope.get('/', { schema: { summary: 'The web dashboard' } }, async (_req, reply) => sendIndex(reply));
    // A portal link's page: the same app, framable by the origins the link allows (none when the
    // link is unknown, expired or revoked; the page then shows the expired screen on its own).
    const portalSchema = {
      summary: "A portal link's page: the dashboard for one app, framable by the link's allowed origins (docs/embedding.md)",
      querystring: Type.Object({ link: Type.Optional(Type.String({ description: "the link's id (not its token)" })) }, { additionalProperties: true }),
    };
    scope.get<{ Querystring: { link?: string } }>('/portal', { schema: portalSchema }, async (req, reply) => {
      const linkId = typeof req.query.link === 'string' && req.query.link.length <= 64 ? req.query.link : null;
      const origins = linkId && options.portalFrameAncestors ? await options.portalFrameAncestors(linkId) : [];
      return sendIndex(reply, securityHeaders(origins));
    });
    scope.get<{ Params: { '*': string } }>('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = req.params['*'];
      if (path === 'api' || path.startsWith('api/')) return reply.callNotFound();
      if (files.has(path) && path !== 'index.html') {
        // Vite puts a content hash in every asset name, so a cached copy can never be stale.
        return reply.headers(SECURITY_HEADERS).sendFile(path, { maxAge: '365d', immutable: true });
      }
      // A missing file (a dot in the last segment) is a 404. Anything else is taken for a screen of
      // the app, whose routes live in the URL fragment: /apps/x goes to ./#/apps/x. A relative
      // redirect keeps working when a proxy mounts Herald under a path prefix.
      if (/\.[A-Za-z0-9]+$/.test(path)) return reply.callNotFound();
      const up = '../'.repeat(path.split('/').length - 1) || './';
      return reply.headers(SECURITY_HEADERS).redirect(`${up}#/${path.split('/').map(encodeURIComponent).join('/')}`);
    });
  });
}
