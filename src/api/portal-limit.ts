import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-errors.js';

/** How many calls a portal link's token may make to one endpoint's route, per window. */
export interface PortalLimit {
  max: number;
  windowMs: number;
  /** What is limited, for the 429 message: "send test events". */
  action: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Calls with a portal link's token are limited per endpoint (`{endpointId}` of the path). */
    portalLimit?: PortalLimit;
  }
}

/**
 * Test events from the portal: the customer picks the URL, so without a limit the portal's "Send
 * test event" would let anyone holding a link make Herald send requests to an address of their
 * choosing as fast as they can click. A few a minute is plenty to check a receiver.
 */
export const PORTAL_TEST_EVENT_LIMIT: PortalLimit = { max: 5, windowMs: 60_000, action: 'send test events' };

/**
 * Per-endpoint limits on routes that name one (`config.portalLimit`), for portal link tokens only:
 * the product's own tokens are not limited here. Counted in this process's memory (like the
 * per-token limit): with N API processes behind a balancer a customer can get up to N times the
 * limit. Runs after auth, tenancy and the per-token limit; answers 429 `rate_limited` with
 * Retry-After like the per-token limit.
 */
export function installPortalLimits(app: FastifyInstance): void {
  const limitOf = (req: { routeOptions: { config?: { portalLimit?: PortalLimit } } }) => req.routeOptions.config?.portalLimit;
  const check = app.createRateLimit({
    max: (req) => limitOf(req)!.max,
    timeWindow: (req) => limitOf(req)!.windowMs,
    keyGenerator: (req) => `${req.routeOptions.url}:${(req.params as { endpointId?: string }).endpointId}`,
    allowList: () => false,
  });
  app.addHook('preHandler', async (req, reply) => {
    const limit = limitOf(req);
    if (!limit || req.principal?.kind !== 'portal' || !(req.params as { endpointId?: string }).endpointId) return;
    const result = await check(req);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
    const per = limit.windowMs === 60_000 ? 'a minute' : `every ${limit.windowMs / 1000} s`;
    throw new ApiError(
      'rate_limited',
      `a portal link may ${limit.action} ${limit.max} times ${per} per endpoint; retry in ${result.ttlInSeconds} s`,
    );
  });
}
