import { Type } from 'typebox';
import { EndpointParams, Pagination } from '../schemas.js';
import { deliveryJson } from '../delivery-state.js';
import { tenantApp } from '../tenancy.js';
import { page, type Api, type ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';
import { allowedEventTypes } from '../portal-scope.js';

export const EndpointDeliveryQuery = Type.Object(
  {
    ...Pagination.properties,
    // Stored statuses: pending (not tried yet, or failing and waiting for its retry), success, failed (exhausted).
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('success'), Type.Literal('failed')], { default: 'pending' })),
  },
  { additionalProperties: false },
);

/** An endpoint's deliveries, by default those still to be sent, each with its next retry time and latest failure. */
export function endpointDeliveryRoutes(api: Api, ctx: ApiContext): void {
  api.get(
    '/api/v1/apps/:appId/endpoints/:endpointId/deliveries',
    {
      config: portalNeeds('endpoints:read'),
      schema: { params: EndpointParams, querystring: EndpointDeliveryQuery, tags: ['endpoints'], summary: "An endpoint's deliveries, newest first (default: pending, with nextAttemptAt)" },
    },
    async (req) => {
      const app = tenantApp(req);
      await ctx.endpoints.get(app.id, req.params.endpointId);
      // A scoped portal link sees only deliveries of its event types (portal-scope.ts).
      const result = await ctx.store.listEndpointDeliveries(app.id, req.params.endpointId, {
        ...page(req.query, 'dlv'), status: req.query.status ?? 'pending', eventTypes: allowedEventTypes(req) ?? undefined,
      });
      return { ...result, data: result.data.map(deliveryJson) };
    },
  );
}
