import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/store.js';

// Embedding the portal in a product's own pages (docs/embedding.md): who may frame a link's page,
// and the small script a host page loads to frame it.

/**
 * `public/embed.js`, plain JavaScript shipped as is (no build step). Like DASHBOARD_DIR, three
 * levels up from both src/api/routes and dist/api/routes is the package root.
 */
export const EMBED_SCRIPT_PATH = fileURLToPath(new URL('../../../public/embed.js', import.meta.url));

/**
 * The origins that may frame the page of portal link `linkId`: the link's own list, else its app's
 * defaults. An unknown, expired or revoked link, or an app token's id, may be framed by nobody. Read
 * at every page load, so removing an origin from the app takes effect on the next load.
 */
export async function portalFrameAncestors(store: Store, linkId: string, now = Date.now()): Promise<string[]> {
  const link = await store.getToken(linkId);
  if (!link || link.kind !== 'portal') return [];
  if (link.expiresAt !== null && Date.parse(link.expiresAt) <= now) return [];
  if (link.allowedOrigins) return link.allowedOrigins;
  return (await store.getApp(link.appId))?.allowedOrigins ?? [];
}

/**
 * GET /portal/embed.js, from Herald itself (no CDN: the host page trusts only the Herald it already
 * talks to). Loaded by other origins' pages, so it is served cross-origin; a short cache lifetime
 * because its name carries no content hash.
 */
export function portalEmbedScriptRoute(app: FastifyInstance): void {
  // A copy of Herald without public/ (a hand-copied dist/) still starts; only embedding says why it fails.
  const script = existsSync(EMBED_SCRIPT_PATH) ? readFileSync(EMBED_SCRIPT_PATH, 'utf8') : null;
  app.get('/portal/embed.js', { schema: { summary: 'The script a host page loads to embed the portal (<herald-portal>)' } }, async (_req, reply) => {
    if (script === null) {
      return reply.status(404).send({ code: 'not_found', message: 'the embed script (public/embed.js) is missing from this installation' });
    }
    return reply
      .headers({
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        'x-content-type-options': 'nosniff',
        'cross-origin-resource-policy': 'cross-origin',
      })
      .send(script);
  });
}
