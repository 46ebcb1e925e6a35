import { Type } from 'typebox';
import type { AuditEntry } from '../../domain/operators.js';
import type { AuditLog } from '../../services/audit-log.js';
import type { Store } from '../../store/store.js';
import { adminRead } from '../route-access.js';
import { Pagination } from '../schemas.js';
import { page, type Api } from './context.js';

export const AuditLogQuery = Type.Object(
  {
    ...Pagination.properties,
    since: Type.Optional(Type.String({ format: 'date-time', maxLength: 64, description: 'only entries at or after this ISO 8601 time' })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "a token's name or id" })),
    app: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "an app's id or uid" })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'e.g. endpoints.update, endpoints.disable, messages.resend' })),
  },
  { additionalProperties: false },
);

export const auditJson = (e: AuditEntry) => ({
  id: e.id, at: e.at, token: { kind: e.tokenKind, id: e.tokenId, name: e.tokenName, role: e.role }, requestId: e.requestId,
  method: e.method, route: e.route, action: e.action, appId: e.appId, targets: e.targets, status: e.status, outcome: e.outcome,
});

/** Who changed what (docs/operators.md): every role may read it; it holds ids and names, no secrets. */
export function auditLogRoutes(api: Api, ctx: { store: Store; audit: AuditLog }): void {
  api.get('/api/v1/audit-log', { config: adminRead, schema: { querystring: AuditLogQuery, tags: ['operators'], summary: 'The audit log: one entry per state-changing API call, newest first' } }, async (req) => {
    const { since, token, app, action } = req.query;
    // An app's uid is resolved to its id; an unknown one simply matches nothing.
    const appId = app === undefined ? undefined : ((await ctx.store.getApp(app))?.id ?? app);
    const result = await ctx.audit.list({
      ...page(req.query, 'aud'), since: since === undefined ? undefined : Date.parse(since), token, appId, action,
    });
    return { ...result, data: result.data.map(auditJson) };
  });
}
