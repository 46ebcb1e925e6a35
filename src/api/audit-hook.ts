import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditTokenKind, OperatorRole } from '../domain/operators.js';
import type { AuditLog } from '../services/audit-log.js';
import { auditAction, PUBLISH_ROUTES } from './audit-action.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Ids are short; a longer path parameter (only ever a wrong one) is cut, never stored whole. */
const MAX_TARGET_LENGTH = 128;
/** The created resource's id is read from answers up to this size (they are small JSON objects). */
const MAX_PARSED_ANSWER = 64 * 1024;
const ID_KEYS: Record<string, string> = { app: 'appId', ep: 'endpointId', msg: 'msgId', tok: 'tokenId', opt: 'tokenId', tsk: 'taskId', dlv: 'deliveryId' };

/**
 * One audit entry per state-changing API call, written in onSend: after the route (or the error
 * handler) answered, before the answer leaves. So refused and failed calls are there with their
 * status and error code, and a client that saw the answer finds the entry. What is written: who
 * (token kind, id, name, role), the request id, route, action, target ids and outcome; never a
 * body, a payload, a secret or a token's text. Unauthenticated calls (401) have no "who" and
 * are not recorded; nor are rate-limited ones (429). Publishes are recorded like every other
 * change; their entries ride on the next publish transaction (audit-log.ts), so they cost no commit of their own.
 */
export function installAudit(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    const principal = request.principal;
    if (READ_METHODS.has(request.method) || !principal || !route?.startsWith('/api/')) return payload;
    const publishCall = PUBLISH_ROUTES.has(`${request.method} ${route}`);
    if (!audit.recordsPublishes && publishCall) return payload;
    // Refused by the rate limit before anything ran: recording each would turn a flood into as many writes.
    if (reply.statusCode === 429) return payload;
    const answer = parseAnswer(payload);
    const targets = targetIds(request, reply.statusCode < 300 ? answer : null);
    await audit.record({
      ...who(request),
      requestId: request.id,
      method: request.method,
      route,
      action: auditAction(request.method, route, request.body),
      appId: request.tenantApp?.id ?? targets.appId ?? null,
      targets,
      status: reply.statusCode,
      outcome: reply.statusCode < 400 ? 'ok' : typeof answer?.code === 'string' ? answer.code.slice(0, 64) : 'error',
    }, publishCall);
    return payload;
  });
}

function who(request: FastifyRequest): { tokenKind: AuditTokenKind; tokenId: string | null; tokenName: string | null; role: OperatorRole | null } {
  const p = request.principal;
  if (p.kind === 'admin') {
    return p.token
      ? { tokenKind: 'operator', tokenId: p.token.id, tokenName: p.token.name, role: p.role }
      : { tokenKind: 'admin', tokenId: null, tokenName: null, role: 'admin' };
  }
  return { tokenKind: p.kind, tokenId: p.tokenId, tokenName: p.name, role: null };
}

/** The route's path parameters (the app as resolved, not as typed) and the id of what it created. */
function targetIds(request: FastifyRequest, answer: Record<string, unknown> | null): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') targets[key] = value.slice(0, MAX_TARGET_LENGTH);
  }
  if (request.tenantApp) targets.appId = request.tenantApp.id;
  const created = answer?.id;
  if (typeof created === 'string' && created.length <= MAX_TARGET_LENGTH) {
    const key = ID_KEYS[created.split('_')[0]!];
    if (key && targets[key] === undefined) targets[key] = created;
  }
  return targets;
}

function parseAnswer(payload: unknown): Record<string, unknown> | null {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (text === null || text.length > MAX_PARSED_ANSWER || !text.startsWith('{')) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
