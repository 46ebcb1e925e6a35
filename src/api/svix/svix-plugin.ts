import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../routes/context.js';
import type { TokenService } from '../../services/token-service.js';
import { installSvixErrors } from './svix-errors.js';
import { installSvixIdempotency } from './svix-idempotency.js';
import { installSvixEndpointGuard } from './svix-endpoint-guard.js';
import { svixHealthRoutes } from './svix-health.js';
import { svixAppRoutes } from './svix-apps.js';
import { svixEndpointRoutes } from './svix-endpoints.js';
import { svixEndpointActionRoutes } from './svix-endpoint-actions.js';
import { svixEventTypeRoutes } from './svix-event-types.js';
import { svixAuthRoutes } from './svix-auth.js';
import { svixNotImplementedRoutes } from './svix-not-implemented.js';
import { svixMessageRoutes } from './svix-messages.js';
import { svixAttemptRoutes } from './svix-attempts.js';
import { svixAttemptedRoutes } from './svix-attempted.js';
import { svixMessageContentRoutes } from './svix-message-content.js';

/** What Svix route files get: Herald's services (no SQL here) and how to build portal links. */
export interface SvixContext extends ApiContext {
  /** Base URL for links Herald hands out (portal access). */
  publicUrl: () => string;
  /** Portal links (app portal access, expire-all). */
  tokens: TokenService;
}

/**
 * Svix's v1 API beside Herald's own (docs/svix-compatibility.md), as one encapsulated plugin: its
 * error handler ({code, detail} and 422 {detail: [...]}) and idempotency-key hooks apply to these
 * routes only. Svix's paths are singular (/api/v1/app/…) and never collide with Herald's
 * (/api/v1/apps/…). Register a route file here: `xxxRoutes(scope, ctx)`, `scope` typed as `Api`.
 */
export async function svixPlugin(app: FastifyInstance, ctx: SvixContext): Promise<void> {
  await app.register(async (scope) => {
    installSvixErrors(scope);
    installSvixIdempotency(scope, ctx.store);
    installSvixEndpointGuard(scope, ctx);
    const api = scope.withTypeProvider<TypeBoxTypeProvider>();
    svixHealthRoutes(api, ctx);
    svixAppRoutes(api, ctx);
    svixEndpointRoutes(api, ctx);
    svixEndpointActionRoutes(api, ctx);
    svixEventTypeRoutes(api, ctx);
    svixAuthRoutes(api, ctx);
    svixMessageRoutes(api, ctx);
    svixAttemptRoutes(api, ctx);
    svixAttemptedRoutes(api, ctx);
    svixMessageContentRoutes(api, ctx);
    svixNotImplementedRoutes(api);
  });
}
