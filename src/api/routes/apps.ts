import { AppCreate, AppPatch } from '../../schemas/bodies.js';
import { AppParams, Pagination } from '../schemas.js';
import { appJson } from '../serializers.js';
import { tenantApp } from '../tenancy.js';
import { page, type Api, type ApiContext } from './context.js';
import { adminAccess, adminRead, portalAnyLink } from '../route-access.js';

export function appRoutes(api: Api, ctx: ApiContext): void {
  api.post('/api/v1/apps', { config: adminAccess, schema: { body: AppCreate, tags: ['apps'] } }, async (req, reply) => {
    reply.status(201);
    return appJson(await ctx.apps.create(req.body));
  });

  api.get('/api/v1/apps', { config: adminRead, schema: { querystring: Pagination, tags: ['apps'] } }, async (req) => {
    const result = await ctx.store.listApps(page(req.query, 'app'));
    return { ...result, data: result.data.map(appJson) };
  });

  api.get('/api/v1/apps/:appId', { config: portalAnyLink, schema: { params: AppParams, tags: ['apps'] } }, async (req) => appJson(tenantApp(req)));

  api.patch('/api/v1/apps/:appId', { config: adminAccess, schema: { params: AppParams, body: AppPatch, tags: ['apps'] } }, async (req) =>
    appJson(await ctx.apps.update(req.params.appId, req.body)),
  );

  api.delete('/api/v1/apps/:appId', { config: adminAccess, schema: { params: AppParams, tags: ['apps'] } }, async (req, reply) => {
    await ctx.apps.delete(req.params.appId);
    return reply.status(204).send();
  });
}
