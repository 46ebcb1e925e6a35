import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { checkMiddlewareOptions, verifyForMiddleware, type VerifiedWebhook, type WebhookMiddlewareOptions } from './middleware-support.js';

export type { VerifiedWebhook, WebhookMiddlewareOptions } from './middleware-support.js';
export { WebhookVerificationError } from '../wire/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Herald webhook plugin once the request's signature has been verified. */
    webhook: VerifiedWebhook;
  }
}

async function install(scope: FastifyInstance, options: WebhookMiddlewareOptions): Promise<void> {
  checkMiddlewareOptions(options);
  scope.decorateRequest('webhook', null as unknown as VerifiedWebhook);
  // Signatures cover the exact bytes, so this scope keeps bodies raw; JSON is parsed only after
  // verification, and nothing outside the scope is affected.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // preValidation runs after parsing but before schema validation, so route body schemas see the payload.
  scope.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const result = verifyForMiddleware(options, { headers: request.headers, method: request.method, url: request.url, rawBody });
    if (!result.ok) return reply.code(result.rejection.status).send(result.rejection.body);
    request.webhook = result.webhook;
    request.body = result.webhook.payload;
  });
}

/**
 * Fastify plugin: verifies every request to the routes of the scope it is registered in, before
 * validation and the handler, and sets `request.webhook` ({ id, payload, rawBody }); a forged or
 * malformed request gets 401 or 400 with `{ error, reason }`. Register it inside the scope holding
 * your webhook routes (it replaces that scope's body parsers):
 *
 *   app.register(async (hooks) => {
 *     await hooks.register(heraldWebhooks, { secret: process.env.HERALD_SECRET! });
 *     hooks.post('/webhooks/herald', async (req) => { … req.webhook.payload … });
 *   });
 */
export const heraldWebhooks: FastifyPluginAsync<WebhookMiddlewareOptions> = Object.assign(install, {
  // What fastify-plugin sets: apply to the registering scope instead of a new child scope.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'herald-webhooks',
});
