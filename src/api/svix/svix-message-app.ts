import type { FastifyRequest } from 'fastify';
import type { App } from '../../domain/model.js';
import { ApiError, notFound } from '../../errors/api-errors.js';
import type { SvixContext } from './svix-plugin.js';
import type { SvixAppInBody } from './svix-bodies.js';
import { refuseUnsupported } from './svix-json.js';

// Svix's message create names its app by `{app_id}` and may carry `application`: the app to create
// when `{app_id}` names none (ignored when it does). The route cannot let tenancy.ts resolve the app
// (that answers 404 for an unknown one before the body is read), so it does the same checks here.

/**
 * preValidation of the route: the app `{app_id}` names, when there is one, checked as tenancy.ts
 * does (another app's token gets the same 404 as for no app, before the body is looked at). An
 * unknown app is left for the handler, which may create it from the body.
 */
export async function resolveExistingApp(ctx: SvixContext, request: FastifyRequest): Promise<void> {
  const appRef = (request.params as { app_id: string }).app_id;
  const found = await ctx.apps.find(appRef);
  if (!found) return;
  const p = request.principal;
  if (p && p.kind !== 'admin' && p.appId !== found.id) throw notFound('app', appRef);
  // Read by tenantApp(req) and the audit hook, as for routes tenancy.ts resolves.
  request.tenantApp = found;
}

/**
 * The app to publish to: the resolved one, else the one `application` creates (its uid, else
 * `{app_id}` as the uid, as Svix's portal access does). Creating an app is the admin's, as
 * POST /api/v1/app: any other caller gets the 404 of an unknown app.
 */
export async function appForMessage(ctx: SvixContext, request: FastifyRequest, appRef: string, asked: SvixAppInBody | null | undefined): Promise<App> {
  if (request.tenantApp) return request.tenantApp;
  if (!asked || request.principal?.kind !== 'admin' || appRef.startsWith('app_')) throw notFound('app', appRef);
  const route = 'POST /api/v1/app/{app_id}/msg';
  refuseUnsupported(route, { 'application.throttleRate': asked.throttleRate, 'application.rateLimit': asked.rateLimit });
  try {
    const created = await ctx.apps.create({ name: asked.name, uid: asked.uid ?? appRef }, asked.metadata);
    request.tenantApp = created;
    return created;
  } catch (err) {
    // Two publishes creating the same app at once: the loser publishes to the winner's app.
    const again = err instanceof ApiError && err.code === 'conflict' ? await ctx.apps.find(asked.uid ?? appRef) : null;
    if (!again) throw err;
    request.tenantApp = again;
    return again;
  }
}
