import { newId } from '../domain/ids.js';
import type { App } from '../domain/model.js';
import { ApiError, notFound } from '../errors/api-errors.js';
import type { AppCreateBody, AppPatchBody } from '../schemas/bodies.js';
import type { Store } from '../store/store.js';
import { checkFrameOrigins } from '../domain/frame-origins.js';
import { parseSchedule } from './endpoint-settings.js';
import { refuseIfHttpEndpoints } from './https-only.js';

export class AppService {
  constructor(private readonly store: Store) {}

  /** `metadata`: Svix's free-form pairs (src/api/svix); Herald's own API has none. */
  async create(body: AppCreateBody, metadata?: Record<string, string>): Promise<App> {
    const now = new Date().toISOString();
    return this.store.createApp({
      id: newId('app'),
      uid: this.checkUid(body.uid ?? null),
      name: body.name,
      retrySchedule: body.retrySchedule ? parseSchedule(body.retrySchedule) : null,
      allowedOrigins: checkFrameOrigins(body.allowedOrigins ?? []),
      ...(body.requireHttps ? { requireHttps: true } : {}),
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** `appId` in every path may be Herald's id or the product's own uid. */
  async get(idOrUid: string): Promise<App> {
    const app = await this.find(idOrUid);
    if (!app) throw notFound('app', idOrUid);
    return app;
  }

  find(idOrUid: string): Promise<App | null> {
    return this.store.getApp(idOrUid);
  }

  /** `metadata` (Svix's) replaces the app's when given; `{}` clears it. */
  async update(idOrUid: string, body: AppPatchBody, metadata?: Record<string, string>): Promise<App> {
    const app = await this.get(idOrUid);
    const next: App = { ...app, updatedAt: new Date().toISOString() };
    if (metadata !== undefined) next.metadata = metadata;
    if (body.name !== undefined) next.name = body.name;
    if (body.uid !== undefined) next.uid = this.checkUid(body.uid);
    if (body.retrySchedule !== undefined) next.retrySchedule = body.retrySchedule ? parseSchedule(body.retrySchedule) : null;
    if (body.allowedOrigins !== undefined) next.allowedOrigins = checkFrameOrigins(body.allowedOrigins);
    if (body.requireHttps !== undefined) {
      if (body.requireHttps && !app.requireHttps) await refuseIfHttpEndpoints(this.store, app.id);
      next.requireHttps = body.requireHttps;
    }
    return this.store.updateApp(next);
  }

  async delete(idOrUid: string): Promise<void> {
    const app = await this.get(idOrUid);
    await this.store.deleteApp(app.id);
  }

  private checkUid(uid: string | null): string | null {
    // A uid shaped like an app id would make `/apps/{appId}` ambiguous.
    if (uid?.startsWith('app_')) throw new ApiError('validation_error', 'uid must not start with "app_"');
    return uid;
  }
}
