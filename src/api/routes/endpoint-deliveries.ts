import { Type } from 'typebox';
import { ApiError } from '../../errors/api-errors.js';
import { parsePendingCursor } from '../../store/insights.js';
import { EndpointParams, Pagination } from '../schemas.js';
import { deliveryJson } from '../delivery-state.js';
import { tenantApp } from '../tenancy.js';
import type { Api, ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';
import { allowedEventTypes } from '../portal-scope.js';

export const EndpointDeliveryQuery = Type.Object(
  {
    ...Pagination.properties,
    // Only the deliveries still to be sent for now (pending and failing); the name leaves room for more.
    status: Type.Optional(Type.Literal('pending', { default: 'pending' })),
  },
  { additionalProperties: false },
);

/**
 * An endpoint's deliveries still to be sent (not tried yet, or failing and waiting for a retry),
 * the soonest due first, each with its next attempt time and latest failure. Delivered and
 * exhausted ones are in the attempts log (`…/attempts?status=`) and the messages' `delivery`.
 */
export function endpointDeliveryRoutes(api: Api, ctx: ApiContext): void {
  api.get(
    '/api/v1/apps/:appId/endpoints/:endpointId/deliveries',
    {
      config: portalNeeds('endpoints:read'),
      schema: { params: EndpointParams, querystring: EndpointDeliveryQuery, tags: ['endpoints'], summary: "An endpoint's deliveries still to be sent, soonest due first, with nextAttemptAt" },
    },
    async (req) => {
      const app = tenantApp(req);
      const { iterator, limit = 50 } = req.query;
      const after = iterator === undefined ? undefined : parsePendingCursor(iterator);
      if (after === null) {
        throw new ApiError('validation_error', `iterator ${JSON.stringify(iterator)} is not a cursor of this list: pass the \`iterator\` of the previous page as it was returned, or leave it out for the first page`);
      }
      await ctx.endpoints.get(app.id, req.params.endpointId);
      // A scoped portal link sees only deliveries of its event types (portal-scope.ts).
      const result = await ctx.store.listPendingDeliveries(app.id, req.params.endpointId, { limit, after, eventTypes: allowedEventTypes(req) ?? undefined });
      return { ...result, data: result.data.map(deliveryJson) };
    },
  );
}
