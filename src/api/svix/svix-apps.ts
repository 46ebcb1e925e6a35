import { Type } from 'typebox';
import type { App } from '../../domain/model.js';
import { notFound } from '../../errors/api-errors.js';
import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { SvixAppIn, SvixAppPatch, type SvixAppInBody } from './svix-bodies.js';
import { refuseUnsupported, svixAppJson } from './svix-json.js';
import { SVIX_TAG, svixAdminRead, svixAdminWrite, svixList, SvixListQuery, svixRead } from './svix-wire.js';

// Svix's applications over Herald's apps (services/app-service.ts). `{app_id}` is the id or uid.

const tags = [SVIX_TAG];
const CreateQuery = Type.Object({ get_if_exists: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

function checkSupported(route: string, body: Partial<SvixAppInBody>): void {
  refuseUnsupported(route, { throttleRate: body.throttleRate, rateLimit: body.rateLimit });
}

export function svixAppRoutes(api: Api, ctx: SvixContext): void {
  // Svix lists applications oldest first unless `order` says otherwise.
  api.get('/api/v1/app', { config: svixAdminRead, schema: { tags, querystring: SvixListQuery } }, async (req) =>
    svixList(req.query, { kind: 'app', defaultOrder: 'ascending', keyOf: (a) => a.id, fetch: (p) => ctx.store.listApps(p) }, svixAppJson),
  );

  api.post('/api/v1/app', { config: svixAdminWrite, schema: { tags, body: SvixAppIn, querystring: CreateQuery } }, async (req, reply) => {
    checkSupported('POST /api/v1/app', req.body);
    // get_if_exists: the app with this uid when there is one (200), else a new one (201).
    if (req.query.get_if_exists && req.body.uid) {
      const existing = await ctx.apps.find(req.body.uid);
      if (existing) return svixAppJson(existing);
    }
    reply.status(201);
    return svixAppJson(await ctx.apps.create({ name: req.body.name, uid: req.body.uid ?? null }, req.body.metadata));
  });

  api.get('/api/v1/app/:appId', { config: svixRead, schema: { tags, params: AppParams } }, async (req) => svixAppJson(tenantApp(req)));

  // PUT creates the app when `{app_id}` names none (as a uid), so it resolves the app itself rather
  // than through the tenancy hook (which answers 404 for an unknown app). Creating needs the admin.
  api.put('/api/v1/app/:app_id', { config: svixAdminWrite, schema: { tags, params: Type.Object({ app_id: Type.String({ maxLength: 128 }) }), body: SvixAppIn } }, async (req, reply) => {
    checkSupported('PUT /api/v1/app/{app_id}', req.body);
    const existing: App | null = await ctx.apps.find(req.params.app_id);
    // PUT replaces: metadata left out is cleared.
    if (existing) return svixAppJson(await ctx.apps.update(existing.id, { name: req.body.name, uid: req.body.uid ?? existing.uid }, req.body.metadata ?? {}));
    if (req.params.app_id.startsWith('app_')) throw notFound('app', req.params.app_id);
    reply.status(201);
    return svixAppJson(await ctx.apps.create({ name: req.body.name, uid: req.body.uid ?? req.params.app_id }, req.body.metadata));
  });

  api.patch('/api/v1/app/:appId', { config: svixAdminWrite, schema: { tags, params: AppParams, body: SvixAppPatch } }, async (req) => {
    checkSupported('PATCH /api/v1/app/{app_id}', req.body);
    const app = tenantApp(req);
    const change = { ...(req.body.name !== undefined ? { name: req.body.name } : {}), ...(req.body.uid !== undefined ? { uid: req.body.uid } : {}) };
    return svixAppJson(await ctx.apps.update(app.id, change, req.body.metadata));
  });

  api.delete('/api/v1/app/:appId', { config: svixAdminWrite, schema: { tags, params: AppParams } }, async (req, reply) => {
    await ctx.apps.delete(tenantApp(req).id);
    return reply.status(204).send();
  });
}
