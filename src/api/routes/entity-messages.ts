import { Type } from 'typebox';
import { entityRef, listMessagesByEntity } from '../../services/entity-messages.js';
import { Pagination } from '../schemas.js';
import { messagesWithDelivery } from '../message-deliveries.js';
import { tenantApp } from '../tenancy.js';
import { page, type Api, type ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';
import { allowedEventTypes } from '../portal-scope.js';

export const EntityParams = Type.Object({
  appId: Type.String({ maxLength: 128 }),
  entityType: Type.String({ minLength: 1, maxLength: 128 }),
  entityId: Type.String({ minLength: 1, maxLength: 256 }),
});

/** Messages about one entity (`entity: {type, id}` at publish), e.g. every event of agreement 25. */
export function entityMessageRoutes(api: Api, ctx: ApiContext): void {
  api.get(
    '/api/v1/apps/:appId/entities/:entityType/:entityId/messages',
    { config: portalNeeds('messages:read'), schema: { params: EntityParams, querystring: Pagination, tags: ['messages'], summary: 'Messages about one entity, newest first' } },
    async (req) => {
      const app = tenantApp(req);
      const entity = entityRef(req.params.entityType, req.params.entityId);
      const result = await listMessagesByEntity(ctx.store, app.id, entity, { ...page(req.query, 'msg'), eventTypes: allowedEventTypes(req) ?? undefined });
      return { ...result, data: await messagesWithDelivery(ctx.store, app.id, result.data) };
    },
  );
}
