import { EndpointCreate, EndpointPatch, TestEventCreate } from '../../schemas/bodies.js';
import { EndpointParams, AppParams, Pagination } from '../schemas.js';
import { EndpointUnreadableError } from '../../store/errors.js';
import { endpointJson, messageJson } from '../serializers.js';
import { tenantApp } from '../tenancy.js';
import { page, type Api, type ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';
import { subscribableEventTypes, testEventType } from '../portal-scope.js';
import { PORTAL_TEST_EVENT_LIMIT } from '../portal-limit.js';

export function endpointRoutes(api: Api, ctx: ApiContext): void {
  api.post('/api/v1/apps/:appId/endpoints', { config: portalNeeds('endpoints:write'), schema: { params: AppParams, body: EndpointCreate, tags: ['endpoints'] } }, async (req, reply) => {
    const app = tenantApp(req);
    // A scoped portal link subscribes only to its event types (portal-scope.ts); "everything" means all of those.
    const endpoint = await ctx.endpoints.create(app.id, { ...req.body, eventTypes: subscribableEventTypes(req, req.body.eventTypes ?? null) });
    reply.status(201);
    // The one response (besides GET .../secret) that shows the secret, so it can be copied once.
    return { ...endpointJson(endpoint), secret: endpoint.secrets[0]!.secret };
  });

  api.get('/api/v1/apps/:appId/endpoints', { config: portalNeeds('endpoints:read'), schema: { params: AppParams, querystring: Pagination, tags: ['endpoints'] } }, async (req) => {
    const app = tenantApp(req);
    const result = await ctx.store.listEndpoints(app.id, page(req.query, 'ep'));
    return { ...result, data: result.data.map(endpointJson) };
  });

  api.get('/api/v1/apps/:appId/endpoints/:endpointId', { config: portalNeeds('endpoints:read'), schema: { params: EndpointParams, tags: ['endpoints'] } }, async (req) => {
    const app = tenantApp(req);
    return endpointJson(await ctx.endpoints.get(app.id, req.params.endpointId));
  });

  api.patch('/api/v1/apps/:appId/endpoints/:endpointId', { config: { ...portalNeeds('endpoints:write'), operatorFields: ['disabled'] }, schema: { params: EndpointParams, body: EndpointPatch, tags: ['endpoints'] } }, async (req) => {
    const app = tenantApp(req);
    const body = { ...req.body, eventTypes: subscribableEventTypes(req, req.body.eventTypes) };
    if (body.eventTypes === undefined) delete body.eventTypes;
    return endpointJson(await ctx.endpoints.update(app.id, req.params.endpointId, body));
  });

  api.delete('/api/v1/apps/:appId/endpoints/:endpointId', { config: portalNeeds('endpoints:write'), schema: { params: EndpointParams, tags: ['endpoints'] } }, async (req, reply) => {
    const app = tenantApp(req);
    await ctx.endpoints.get(app.id, req.params.endpointId);
    await ctx.store.deleteEndpoint(app.id, req.params.endpointId);
    return reply.status(204).send();
  });

  api.get('/api/v1/apps/:appId/endpoints/:endpointId/secret', { config: portalNeeds('secrets:read'), schema: { params: EndpointParams, tags: ['endpoints'] } }, async (req) => {
    const app = tenantApp(req);
    const endpoint = await ctx.endpoints.get(app.id, req.params.endpointId);
    if (endpoint.unreadable) throw new EndpointUnreadableError(endpoint.id, endpoint.unreadable);
    return { secret: endpoint.secrets[0]!.secret };
  });

  api.post('/api/v1/apps/:appId/endpoints/:endpointId/test', { config: { ...portalNeeds('endpoints:write'), portalLimit: PORTAL_TEST_EVENT_LIMIT }, schema: { params: EndpointParams, body: TestEventCreate, tags: ['endpoints'] } }, async (req, reply) => {
    const app = tenantApp(req);
    const endpoint = await ctx.endpoints.get(app.id, req.params.endpointId);
    const result = await ctx.messages.sendTest(endpoint, testEventType(req, req.body?.eventType, endpoint));
    reply.status(202);
    return messageJson(result.message);
  });
}
