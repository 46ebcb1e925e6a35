import { BrandingPut } from '../../schemas/branding.js';
import type { BrandingService } from '../../services/branding-service.js';
import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import { adminAccess, portalAnyLink } from '../route-access.js';
import type { Api } from './context.js';

// An app's branding through the API (docs/branding.md): the admin sets it; the app's portal links
// and tokens read it (any portal link: it is how the portal shows itself). Logos are sent as the
// raw image body, served back at the public /branding/{appId}/logo (routes/branding.ts).

export function appBrandingRoutes(api: Api, branding: BrandingService): void {
  const answer = async (appId: string) => ({ appId, ...(await branding.effective(appId)), own: await branding.own(appId) });

  api.get('/api/v1/apps/:appId/branding', {
    config: portalAnyLink,
    schema: { params: AppParams, tags: ['branding'], summary: 'The app\'s branding: what the portal applies, and what the app sets itself (`own`)' },
  }, async (req) => answer(tenantApp(req).id));

  api.put('/api/v1/apps/:appId/branding', {
    config: adminAccess,
    schema: { params: AppParams, body: BrandingPut, tags: ['branding'], summary: 'Set the app\'s product name, accent colour and theme' },
  }, async (req) => {
    const app = tenantApp(req);
    await branding.put(app.id, req.body);
    return answer(app.id);
  });

  api.delete('/api/v1/apps/:appId/branding', {
    config: adminAccess,
    schema: { params: AppParams, tags: ['branding'], summary: 'Back to the server\'s branding (name, accent, theme and logo)' },
  }, async (req, reply) => {
    await branding.clear(tenantApp(req).id);
    return reply.status(204).send();
  });

  // Its own scope: only this route takes a body that is not JSON.
  void api.register(async (scope) => {
    // Any content-type reaches the handler as bytes, so an SVG or a GIF gets Herald's own message
    // naming what is accepted rather than the framework's generic 415.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.put('/api/v1/apps/:appId/branding/logo', {
      config: adminAccess,
      schema: { params: AppParams, tags: ['branding'], summary: 'Upload the app\'s logo: the raw PNG, JPEG or WebP bytes (at most 64 KiB) with its content-type' },
    }, async (req) => {
      const app = tenantApp(req);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await branding.putLogo(app.id, req.headers['content-type'], bytes);
      return answer(app.id);
    });
  });

  api.delete('/api/v1/apps/:appId/branding/logo', {
    config: adminAccess,
    schema: { params: AppParams, tags: ['branding'], summary: 'Remove the app\'s logo (the server\'s, if any, shows instead)' },
  }, async (req, reply) => {
    await branding.deleteLogo(tenantApp(req).id);
    return reply.status(204).send();
  });
}
