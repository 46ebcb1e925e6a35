import { TransformationTestBody } from '../../schemas/transformation-test.js';
import { testTransformation } from '../../services/transformation-test.js';
import { EndpointParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import { portalNeeds } from '../route-access.js';
import { testEventType } from '../portal-scope.js';
import type { Api, ApiContext } from './context.js';

/**
 * The editors' "run against this example": the request the endpoint would send, before and after
 * its transformation (the saved one, or the code in the body), signed; nothing is sent or stored.
 * Portal links need endpoints:write, as for saving the code.
 */
export function transformationTestRoutes(api: Api, ctx: ApiContext): void {
  api.post('/api/v1/apps/:appId/endpoints/:endpointId/transformation/test', {
    config: portalNeeds('endpoints:write'),
    schema: { params: EndpointParams, body: TransformationTestBody, tags: ['endpoints'] },
  }, async (req) => {
    const app = tenantApp(req);
    const endpoint = await ctx.endpoints.get(app.id, req.params.endpointId);
    // A portal link limited to some event types tries its examples only (as for test events).
    const eventType = testEventType(req, req.body?.eventType, endpoint);
    return testTransformation(endpoint, { ...req.body, eventType }, ctx.eventTypes);
  });
}
