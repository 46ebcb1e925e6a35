import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../domain/model.js';
import type { AppService } from '../services/app-service.js';
import { notFound } from '../errors/api-errors.js';
// Also what declares `request.principal` (set by the auth hook, which runs first).
import type { Principal } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The app named by the route's `{appId}`, already checked to be visible to the caller. */
    tenantApp: App | null;
  }
}

/**
 * Tenant isolation in one place: every route with an `{appId}` resolves it here, and an app token
 * (or a portal link's token) asking for another app gets the same 404 as for an app that does not exist, so it cannot even
 * learn which apps exist. Routes then read `tenantApp(req)` instead of loading the app themselves.
 */
export function installTenancy(app: FastifyInstance, apps: AppService): void {
  app.decorateRequest('tenantApp', null);
  // preValidation: before the body is checked, so a foreign app's route answers 404, never a 400
  // that would confirm the app exists.
  app.addHook('preValidation', async (request) => {
    const appId = (request.params as { appId?: string } | undefined)?.appId;
    if (appId === undefined) return;
    const found = await apps.find(appId);
    const p: Principal | null = request.principal;
    if (!found || (p && p.kind !== 'admin' && p.appId !== found.id)) throw notFound('app', appId);
    request.tenantApp = found;
  });
}

export function tenantApp(request: FastifyRequest): App {
  if (!request.tenantApp) throw new Error('route has no {appId} parameter');
  return request.tenantApp;
}
