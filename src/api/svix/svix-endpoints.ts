import { Type } from 'typebox';
import type { EndpointCreateBody, EndpointPatchBody } from '../../schemas/bodies.js';
import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { SvixEndpointIn, SvixEndpointPatch, type SvixEndpointPatchBody } from './svix-bodies.js';
import { svixEndpointJson } from './svix-json.js';
import { findSvixEndpoint, getSvixEndpoint } from './svix-endpoint-lookup.js';
import { SVIX_TAG, svixList, SvixListQuery, svixRead, svixWrite } from './svix-wire.js';

// Svix's endpoints over Herald's (services/endpoint-service.ts): `filterTypes` (or `eventTypes`)
// are Herald's eventTypes, `throttleRate` (or `rateLimit`) its rateLimit, `description` its
// description, `uid` its endpoint uid. Svix endpoints sign with Standard Webhooks under Svix's
// header names (the `svix` scheme: svix-id, svix-timestamp, svix-signature).

const tags = [SVIX_TAG];
export const SvixEndpointParams = Type.Object({ appId: Type.String({ maxLength: 128 }), endpointId: Type.String({ maxLength: 128 }) });

/** The Herald fields a Svix body sets; `replace` (PUT) clears what the body leaves out. */
export function heraldEndpointFields(body: SvixEndpointPatchBody, replace: boolean): EndpointPatchBody {
  const types = body.filterTypes !== undefined ? body.filterTypes : body.eventTypes;
  const rate = body.throttleRate !== undefined ? body.throttleRate : body.rateLimit;
  const out: Record<string, unknown> = {};
  const set = (name: string, value: unknown, cleared: unknown) => {
    if (value !== undefined) out[name] = value;
    else if (replace) out[name] = cleared;
  };
  set('url', body.url, undefined);
  set('description', body.description, null);
  set('disabled', body.disabled, false);
  set('eventTypes', types, null);
  set('channels', body.channels, null);
  set('rateLimit', rate === 0 ? null : rate, null);
  if (body.headers !== undefined && body.headers !== null) out.headers = body.headers;
  if (body.secret !== undefined && body.secret !== null) out.secret = body.secret;
  if (out.url === undefined) delete out.url;
  return out as EndpointPatchBody;
}

/**
 * A new endpoint made through Svix's API receives what Svix sends: the message's payload as the
 * body, byte for byte (Herald's `raw` format), signed as Standard Webhooks under the header names
 * Svix uses (`svix`), which receivers moving from Svix read. Herald's own API can still switch it
 * to another format or scheme.
 */
function svixCreateFields(fields: EndpointPatchBody): EndpointCreateBody {
  return { ...fields, payloadFormat: 'raw', signature: { scheme: 'svix' } } as EndpointCreateBody;
}

export function svixEndpointRoutes(api: Api, ctx: SvixContext): void {
  // Svix lists endpoints newest first unless `order` says otherwise.
  api.get('/api/v1/app/:appId/endpoint', { config: svixRead, schema: { tags, params: AppParams, querystring: SvixListQuery } }, async (req) => {
    const appId = tenantApp(req).id;
    return svixList(req.query, { kind: 'ep', defaultOrder: 'descending', keyOf: (e) => e.id, fetch: (p) => ctx.store.listEndpoints(appId, p) }, svixEndpointJson);
  });

  api.post('/api/v1/app/:appId/endpoint', { config: svixWrite, schema: { tags, params: AppParams, body: SvixEndpointIn } }, async (req, reply) => {
    const fields = svixCreateFields(heraldEndpointFields(req.body, false));
    const endpoint = await ctx.endpoints.create(tenantApp(req).id, fields, req.body.uid ?? null, req.body.metadata);
    reply.status(201);
    return svixEndpointJson(endpoint);
  });

  api.get('/api/v1/app/:appId/endpoint/:endpointId', { config: svixRead, schema: { tags, params: SvixEndpointParams } }, async (req) =>
    svixEndpointJson(await getSvixEndpoint(ctx, tenantApp(req).id, req.params.endpointId)),
  );

  // PUT: Svix's upsert; an endpoint the path names by a uid that does not exist yet is created with it.
  api.put('/api/v1/app/:appId/endpoint/:endpointId', { config: svixWrite, schema: { tags, params: SvixEndpointParams, body: SvixEndpointIn } }, async (req, reply) => {
    const app = tenantApp(req);
    const existing = await findSvixEndpoint(ctx, app.id, req.params.endpointId);
    if (existing) return svixEndpointJson(await ctx.endpoints.update(app.id, existing.id, heraldEndpointFields(req.body, true), req.body.metadata ?? {}));
    const uid = req.body.uid ?? (req.params.endpointId.startsWith('ep_') ? null : req.params.endpointId);
    if (uid === null) return getSvixEndpoint(ctx, app.id, req.params.endpointId);
    reply.status(201);
    return svixEndpointJson(await ctx.endpoints.create(app.id, svixCreateFields(heraldEndpointFields(req.body, false)), uid, req.body.metadata));
  });

  api.patch('/api/v1/app/:appId/endpoint/:endpointId', { config: { ...svixWrite, operatorFields: ['disabled'] }, schema: { tags, params: SvixEndpointParams, body: SvixEndpointPatch } }, async (req) => {
    const app = tenantApp(req);
    const endpoint = await getSvixEndpoint(ctx, app.id, req.params.endpointId);
    return svixEndpointJson(await ctx.endpoints.update(app.id, endpoint.id, heraldEndpointFields(req.body, false), req.body.metadata));
  });

  api.delete('/api/v1/app/:appId/endpoint/:endpointId', { config: svixWrite, schema: { tags, params: SvixEndpointParams } }, async (req, reply) => {
    const app = tenantApp(req);
    const endpoint = await getSvixEndpoint(ctx, app.id, req.params.endpointId);
    await ctx.store.deleteEndpoint(app.id, endpoint.id);
    return reply.status(204).send();
  });
}
