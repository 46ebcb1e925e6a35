import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import rateLimit from '@fastify/rate-limit';
import { answerClientError } from './client-error.js';
import { ApiError } from '../errors/api-errors.js';
import { installAuth, PUBLIC_API_PATHS } from './auth.js';
import { installPortalLimits } from './portal-limit.js';
import { assertRouteAccess, type RouteAccess } from './route-access.js';
import { brandingRoutes } from './routes/branding.js';
import { appBrandingRoutes } from './routes/app-branding.js';
import type { BrandingService } from '../services/branding-service.js';
import { installOpenApi } from './openapi.js';
import { installTenancy } from './tenancy.js';
import { tokenRoutes } from './routes/tokens.js';
import { portalLinkRoutes } from './routes/portal-links.js';
import type { TokenService } from '../services/token-service.js';
import { installErrorHandler } from './error-handler.js';
import { installValidation } from './validation.js';
import { parseJsonBody } from './raw-json-body.js';
import { stringifyWithRawJson } from '../wire/raw-json-text.js';
import { appRoutes } from './routes/apps.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { endpointRoutes } from './routes/endpoints.js';
import { transformationTestRoutes } from './routes/transformation-test.js';
import { secretRoutes } from './routes/secrets.js';
import { messageRoutes } from './routes/messages.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { portalFrameAncestors } from './routes/portal-embed.js';
import { statsRoutes } from './routes/stats.js';
import { entityMessageRoutes } from './routes/entity-messages.js';
import { endpointDeliveryRoutes } from './routes/endpoint-deliveries.js';
import { taskRoutes } from './routes/tasks.js';
import { operatorTokenRoutes } from './routes/operator-tokens.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { installAudit } from './audit-hook.js';
import type { OperatorRole } from '../domain/operators.js';
import { installSecretRedaction } from './secret-redaction.js';
import type { OperatorTokenService } from '../services/operator-tokens.js';
import type { AuditLog } from '../services/audit-log.js';
import type { ApiContext } from './routes/context.js';
import { svixPlugin } from './svix/svix-plugin.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The least principal that may call it (route-access.ts); null outside the token-guarded API. */
  access: RouteAccess | null;
  adminOnly: boolean;
  /** The least role a named operator token needs (route-access.ts); null outside the token-guarded API. */
  role: OperatorRole | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    heraldRoutes: RegisteredRoute[];
  }
}

export interface ServerOptions {
  logger: Logger;
  adminToken: string;
  bodyLimit: number;
  version: string;
  tokens: TokenService;
  /** Base URL for links Herald hands out (portal links). */
  publicUrl: () => string;
  /** Requests per second per app token / for the admin token; 0 = unlimited. */
  tokenRateLimit: number;
  adminRateLimit: number;
  /** The portal's branding: the server's defaults and each app's own (public /branding, /api/v1/apps/{appId}/branding). */
  branding: BrandingService;
  /** Named operator tokens (POST/GET/DELETE /api/v1/tokens) and the audit log every write goes to. */
  operatorTokens: OperatorTokenService;
  audit: AuditLog;
}

/** Longest path segment the router passes on to the route's schema. */
const MAX_PATH_PARAM_LENGTH = 1024;

export async function buildServer(ctx: ApiContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    // Per-request logs would dominate the log at webhook volumes; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    // Bodies are parsed by installJsonBodies below (it refuses `__proto__` / `constructor.prototype`
    // keys and deep nesting); these settings cover any other parser.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Above the longest id a schema accepts (an app uid: 128), so over-long ids get the schema's
    // clear 400 rather than the router's bare 414; beyond this, frameworkErrors answers.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // The router's own refusals (bad percent-encoding, over-long segment) in the API's error shape.
    // Requests Node's HTTP parser refuses (not HTTP at all, oversized headers) in the same shape.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, _req, reply) => {
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? `a path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`
        : 'the request path is not valid: it contains a malformed percent-encoding';
      void (reply as FastifyReply).status(400).send({ code: 'validation_error', message });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route as registered, for tests that must walk all of them (tenancy, fuzzing, OpenAPI).
  const routes: RegisteredRoute[] = [];
  app.decorate('heraldRoutes', routes);
  app.addHook('onRoute', (route) => {
    const guarded = route.url.startsWith('/api/') && !PUBLIC_API_PATHS.has(route.url);
    const access = (route.config as { access?: RouteAccess } | undefined)?.access ?? null;
    // Who may call a route (and a portal route, with which capability) is a decision, never a
    // default: a route that does not say fails at start-up.
    if (guarded) assertRouteAccess(route);
    for (const method of [route.method].flat()) {
      const role = guarded ? ((route.config as { role?: OperatorRole } | undefined)?.role ?? 'admin') : null;
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: guarded ? access : null, adminOnly: guarded && access === 'admin', role });
    }
  });

  installValidation(app);
  installErrorHandler(app);
  installJsonBodies(app);
  installAuth(app, options.adminToken, ctx.store);
  installTenancy(app, ctx.apps);
  installAudit(app, options.audit);
  installSecretRedaction(app);
  await installRateLimit(app, options);
  installPortalLimits(app);
  // Before any route: @fastify/swagger learns routes as they are added.
  await installOpenApi(app, { version: options.version });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ok' };
    } catch (err) {
      return reply.status(503).send({ code: 'not_ready', message: `store unreachable: ${(err as Error).message}` });
    }
  });
  brandingRoutes(app, options.branding);
  await dashboardRoutes(app, { version: options.version, portalFrameAncestors: (linkId) => portalFrameAncestors(ctx.store, linkId) });

  // Routes live in a registered plugin so that hooks added by plugins above apply to all of them.
  await app.register(async (api) => {
    const routes = api.withTypeProvider<TypeBoxTypeProvider>();
    appRoutes(routes, ctx);
    eventTypeRoutes(routes, ctx);
    endpointRoutes(routes, ctx);
    transformationTestRoutes(routes, ctx);
    secretRoutes(routes, ctx);
    messageRoutes(routes, ctx);
    statsRoutes(routes, ctx);
    entityMessageRoutes(routes, ctx);
    endpointDeliveryRoutes(routes, ctx);
    taskRoutes(routes, ctx);
    appBrandingRoutes(routes, options.branding);
    operatorTokenRoutes(routes, options.operatorTokens);
    auditLogRoutes(routes, { store: ctx.store, audit: options.audit });
    portalLinkRoutes(routes, { ...ctx, tokens: options.tokens });
    tokenRoutes(routes, {
      ...ctx,
      tokens: options.tokens,
      get publicUrl() {
        return options.publicUrl();
      },
    });
    // Svix's v1 API (src/api/svix): its own error shapes, only for its routes.
    await svixPlugin(api, { ...ctx, tokens: options.tokens, publicUrl: () => options.publicUrl() });
  });
  return app;
}

/**
 * Per-token API rate limit (429 with Retry-After), for app and portal link tokens alike. It runs
 * after auth so the key is the caller's token rather than an IP address that many tenants behind
 * one proxy may share.
 */
async function installRateLimit(app: FastifyInstance, options: ServerOptions): Promise<void> {
  const limitFor = (req: { principal?: { kind: string } }) =>
    req.principal?.kind === 'admin' ? options.adminRateLimit : options.tokenRateLimit;
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 1000,
    max: (req) => limitFor(req) || Number.MAX_SAFE_INTEGER,
    allowList: (req) => !req.principal || limitFor(req) === 0,
    keyGenerator: (req) => {
      const p = req.principal;
      return p && p.kind !== 'admin' ? `token:${p.tokenId}` : 'admin';
    },
    errorResponseBuilder: (_req, context) =>
      new ApiError('rate_limited', `rate limit of ${context.max} requests per second exceeded; retry in ${context.after}`),
  });
}

/**
 * JSON in and out. Bodies are parsed with their text kept (a message's `data` is stored exactly as
 * published: raw-json-body.ts), and answers splice stored `data` text in unchanged (RawJson).
 * `curl -X POST` with a JSON content type and no body is common for action routes (resend, test).
 */
function installJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.decorateRequest('jsonText', null);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, {});
    let value: unknown;
    try {
      value = parseJsonBody(req, body as string);
    } catch (err) {
      return done(err as Error, undefined);
    }
    return done(null, value);
  });
  app.setReplySerializer((payload) => stringifyWithRawJson(payload));
  // Only JSON is accepted: without this, Fastify's built-in text/plain parser would turn a
  // text body into a string and the caller would get a puzzling "body must be object" instead of 415.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && (req.method === 'POST' || req.method === 'PATCH')) req.body = {};
  });
}
