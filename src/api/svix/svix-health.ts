import type { Api, ApiContext } from '../routes/context.js';
import { SVIX_TAG } from './svix-wire.js';

/** Svix's `GET /api/v1/health`: 204 while Herald and its store answer (no token, like /healthz). */
export function svixHealthRoutes(api: Api, ctx: ApiContext): void {
  api.get('/api/v1/health', { schema: { tags: [SVIX_TAG], summary: "Svix's health check: 204 when the API and its store answer" } }, async (_req, reply) => {
    await ctx.store.ping();
    return reply.status(204).send();
  });
}
