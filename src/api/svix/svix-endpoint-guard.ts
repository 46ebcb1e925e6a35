import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors/api-errors.js';
import type { ApiContext } from '../routes/context.js';
import { findSvixEndpoint } from './svix-endpoint-lookup.js';

/**
 * As tenancy.ts does for apps: a route naming an endpoint the app does not have answers 404 before
 * its body is checked, so a 422 never tells whether an id exists. A PUT naming a new uid passes
 * (PUT creates it).
 */
export function installSvixEndpointGuard(scope: FastifyInstance, ctx: ApiContext): void {
  scope.addHook('preValidation', async (request) => {
    const endpointId = (request.params as { endpointId?: string } | undefined)?.endpointId;
    if (endpointId === undefined || !request.tenantApp) return;
    if (request.method === 'PUT' && !endpointId.startsWith('ep_') && request.routeOptions.url === '/api/v1/app/:appId/endpoint/:endpointId') return;
    if (!(await findSvixEndpoint(ctx, request.tenantApp.id, endpointId))) throw notFound('endpoint', endpointId);
  });
}
