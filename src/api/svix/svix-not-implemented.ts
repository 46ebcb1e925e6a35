import type { AccessConfig } from '../route-access.js';
import type { Api } from '../routes/context.js';
import { notImplemented, SVIX_TAG, svixRead, svixWrite } from './svix-wire.js';

// Svix's routes for features Herald does not have answer 501 `not_implemented`, naming the route,
// so a Svix SDK call fails loudly instead of seeming to work. Whole subsystems are matched by
// prefix; single operations beside ones Herald serves are listed one by one, so a mistyped path
// still gets a 404. `:app_id` (not `:appId`): these answer 501 before any app look-up.

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Subsystems Herald lacks, every method, the prefix itself and everything under it. */
const PREFIXES = [
  '/api/v1/stream', // streams and their sinks
  '/api/v1/connector', // connectors
  '/api/v1/management', // environments, environment settings, organisation
  '/api/v1/environment', // environment export/import/settings
  '/api/v1/operational-webhook', // Herald reports operational events in its own way (docs/operational-events.md)
  '/api/v1/stats', // usage statistics
  '/api/v1/background-task', // Herald's tasks: /api/v1/apps/{appId}/tasks/{taskId}
  '/api/v1/events', // Svix's events API
  '/api/v1/msg', // environment-wide message search
  '/api/v1/auth/org-group-admin-token',
  '/api/v1/auth/dashboard',
  '/api/v1/auth/stream',
  '/api/v1/auth/app/:app_id/poller',
  '/api/v1/auth/app/:app_id/mcp-token',
  '/api/v1/app/:app_id/stream', // stream sinks of an app
  '/api/v1/app/:app_id/poller', // pollers
  '/api/v1/app/:app_id/polling-endpoint',
  '/api/v1/app/:app_id/integration', // integrations
  '/api/v1/app/:app_id/destination', // destinations
  '/api/v1/app/:app_id/inbound', // ingest
  '/api/v1/app/:app_id/auto-config',
  '/ingest/api/v1', // ingest
];

/** Single operations, `METHOD path`. */
const OPERATIONS = [
  'GET /api/v1/auth/whoami',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/stream-portal-access/:stream_id',
  'POST /api/v1/auth/stream-logout',
  'POST /api/v1/auth/app/:app_id/create-message-token',
  'PATCH /api/v1/app/:app_id/alert-email',
  'GET /api/v1/app/stats/count-active',
  'GET /api/v1/app/:app_id/stats/attempts',
  'GET /api/v1/app/:app_id/events',
  'POST /api/v1/app/:app_id/msg/precheck/active',
  'POST /api/v1/app/:app_id/msg/bulk-expunge',
  'POST /api/v1/app/:app_id/msg/search',
  'POST /api/v1/app/:app_id/msg/expunge-all-contents',
  'GET /api/v1/app/:app_id/msg/:msg_id/raw',
  'GET /api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id/headers',
  'DELETE /api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id/content',
  'GET /api/v1/app/:app_id/attempt/endpoint/:endpoint_id/count',
  'POST /api/v1/app/:app_id/endpoint/:endpoint_id/msg/test-attempt',
  'POST /api/v1/app/:app_id/endpoint/:endpoint_id/cancel-msgs',
  'POST /api/v1/app/:app_id/endpoint/:endpoint_id/bulk-replay',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/rate-limit-status',
  // Herald has transformations, in its own form (docs/transformations.md), not Svix's.
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/transformation',
  'PATCH /api/v1/app/:app_id/endpoint/:endpoint_id/transformation',
  'POST /api/v1/app/:app_id/endpoint/:endpoint_id/transformation/simulate',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/connector',
  'PUT /api/v1/app/:app_id/endpoint/:endpoint_id/connector/oauth/hubspot',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/oauth',
  'PUT /api/v1/app/:app_id/endpoint/:endpoint_id/oauth',
  'DELETE /api/v1/app/:app_id/endpoint/:endpoint_id/oauth',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/oauth-config',
  // Herald has TLS settings per endpoint (Herald's endpoint `tls`), not Svix's ca/mtls routes.
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/ca',
  'PUT /api/v1/app/:app_id/endpoint/:endpoint_id/ca',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/mtls',
  'PUT /api/v1/app/:app_id/endpoint/:endpoint_id/mtls',
  'DELETE /api/v1/app/:app_id/endpoint/:endpoint_id/mtls',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/mtls-config',
  'GET /api/v1/app/:app_id/endpoint/:endpoint_id/auto-config',
  'PUT /api/v1/app/:app_id/endpoint/:endpoint_id/auto-config',
  'POST /api/v1/app/:app_id/endpoint/:endpoint_id/auto-config/rotate',
  'GET /api/v1/event-type/:event_type_name/retry-schedule',
  'PUT /api/v1/event-type/:event_type_name/retry-schedule',
  'POST /api/v1/event-type/export/openapi',
];

export function svixNotImplementedRoutes(api: Api): void {
  const answer501 = (method: string, url: string) => {
    api.route({
      method,
      url,
      // Any caller whose token could call such a route gets the 501 (nothing of any tenant is read
      // or written); roles as for every route: reads for viewers, changes for admins.
      config: (method === 'GET' ? svixRead : svixWrite) as AccessConfig,
      schema: { tags: [SVIX_TAG], summary: 'Svix feature Herald does not have: answers 501 not_implemented' },
      handler: async (req) => {
        throw notImplemented(req.method, req.routeOptions.url ?? url);
      },
    });
  };
  for (const prefix of PREFIXES) {
    for (const method of ALL_METHODS) {
      answer501(method, prefix);
      answer501(method, `${prefix}/*`);
    }
  }
  for (const op of OPERATIONS) {
    const [method, url] = op.split(' ') as [string, string];
    answer501(method, url);
  }
}

/** Whether a registered route is one of Svix's (served for Svix's SDKs, not Herald's own client). */
export function isSvixRoute(url: string): boolean {
  const svixResources = ['/api/v1/app', '/api/v1/event-type', '/api/v1/auth', '/api/v1/health', ...PREFIXES];
  return svixResources.some((r) => url === r || url.startsWith(`${r}/`)) || OPERATIONS.some((op) => op.endsWith(` ${url}`));
}
