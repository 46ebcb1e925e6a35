import { endpointStats } from '../../services/endpoint-stats.js';
import { EndpointParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api, ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';

/** Success rate and latency of an endpoint over the last 24 hours (the dashboard's chart). */
export function statsRoutes(api: Api, ctx: ApiContext): void {
  api.get(
    '/api/v1/apps/:appId/endpoints/:endpointId/stats',
    {
      config: portalNeeds('endpoints:read'),
      schema: {
        params: EndpointParams,
        tags: ['attempts'],
        summary: 'Attempts, success rate and latency per hour over the last 24 hours',
      },
    },
    async (req) => {
      const app = tenantApp(req);
      await ctx.endpoints.get(app.id, req.params.endpointId);
      return endpointStats(ctx.store, app.id, req.params.endpointId);
    },
  );
}
