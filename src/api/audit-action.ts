// What the audit log calls a route's action: a stable `resource.verb` derived from the route, so a
// new route is audited under a sensible name without a table to keep in step. docs/operators.md
// lists them.

const METHOD_VERBS: Record<string, string> = { POST: 'create', PUT: 'set', PATCH: 'update', DELETE: 'delete' };
/** Last path segments that are themselves the verb (POST …/recover). */
const VERB_SEGMENTS = new Set(['resend', 'recover', 'rotate', 'test', 'batch', 'import']);

/** The publish routes, which --no-audit-publishes leaves out of the audit log. */
export const PUBLISH_ROUTES = new Set(['POST /api/v1/apps/:appId/messages', 'POST /api/v1/apps/:appId/messages/batch', 'POST /api/v1/app/:app_id/msg']);

export function auditAction(method: string, route: string, body: unknown): string {
  const statics = route.replace(/^\/api\/v1\//, '').split('/').filter((s) => s && !s.startsWith(':'));
  const resourceName = (segment: string) =>
    segment === 'tokens' ? (statics[0] === 'apps' ? 'app-tokens' : 'operator-tokens') : segment;
  const last = statics[statics.length - 1] ?? 'api';
  if (VERB_SEGMENTS.has(last)) {
    // POST …/messages/:msgId/endpoints/:endpointId/resend resends a message.
    const resource = last === 'resend' ? 'messages' : resourceName(statics[statics.length - 2] ?? 'api');
    return `${resource}.${last}`;
  }
  // Enabling or disabling an endpoint (PATCH with only `disabled`) is an operator's action of its own.
  if (method === 'PATCH' && last === 'endpoints' && isOnly(body, 'disabled')) {
    return (body as { disabled: unknown }).disabled === true ? 'endpoints.disable' : 'endpoints.enable';
  }
  return `${resourceName(last)}.${METHOD_VERBS[method] ?? method.toLowerCase()}`;
}

const isOnly = (body: unknown, key: string): boolean =>
  typeof body === 'object' && body !== null && Object.keys(body).length === 1 && key in body;
