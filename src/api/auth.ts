import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { hashToken } from '../security/token-hash.js';
import { ApiError } from '../errors/api-errors.js';
import { ACCESS_LEVELS, CAPABILITIES as ALL_CAPABILITIES, deniedMessage, isCapability, missingCapabilityMessage, roleDeniedMessage, type AccessConfig, type Capability, type RouteAccess } from './route-access.js';
import { ROLE_RANKS, type OperatorRole } from '../domain/operators.js';
import { OPERATOR_TOKEN_PREFIX } from '../security/token-hash.js';

/**
 * Who is calling: the admin token (the product's backend, every app), an app token (the product's
 * backend for one tenant) or a portal link's token (the tenant's own people, in the portal).
 */
export type Principal =
  // The bootstrap admin token (`token: null`, role admin) or a named operator token with its role.
  | { kind: 'admin'; role: OperatorRole; token: { id: string; name: string } | null }
  | { kind: 'app'; appId: string; tokenId: string; name: string | null }
  | { kind: 'portal'; appId: string; tokenId: string; name: string | null; scope: PortalScope };

/** What one portal link may do (POST …/portal-link `capabilities`) and see (`eventTypes`, null: every type). */
export interface PortalScope {
  capabilities: ReadonlySet<Capability>;
  eventTypes: readonly string[] | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The least principal that may call this route (route-access.ts). Every /api route states it. */
    access?: RouteAccess;
    /** On portal routes: the capability a portal link needs, or null for any link (route-access.ts). */
    capability?: Capability | null;
    /** The least role a named operator token needs (route-access.ts); absent: admin. */
    role?: OperatorRole;
    /** An operator may call this admin-role route when the body sets only these fields. */
    operatorFields?: readonly string[];
  }
}

/** API paths anyone may read: the API description documents no tenant's data. */
// Svix's health check is open, as Herald's /healthz is.
export const PUBLIC_API_PATHS = new Set(['/api/v1/openapi.json', '/api/v1/health']);

/**
 * Bearer-token auth for everything under /api. The admin token is compared as a SHA-256 digest
 * with timingSafeEqual (constant time, independent of length). App tokens are looked up by their
 * SHA-256: the database never holds a usable token, and an index lookup on a hash leaks nothing an
 * attacker can steer byte by byte. Then each route's `access` decides, in one hook, who may call it.
 */
export function installAuth(app: FastifyInstance, adminToken: string, store: Store): void {
  const adminDigest = createHash('sha256').update(adminToken).digest();
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC_API_PATHS.has(path)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new ApiError('unauthorized', 'missing "Authorization: Bearer <token>" header');
    const presented = match[1]!;
    if (timingSafeEqual(createHash('sha256').update(presented).digest(), adminDigest)) {
      request.principal = { kind: 'admin', role: 'admin', token: null };
      return;
    }
    if (presented.startsWith(OPERATOR_TOKEN_PREFIX)) {
      const operator = presented.length <= 256 ? await store.findOperatorTokenByHash(hashToken(presented)) : null;
      if (!operator || (operator.expiresAt !== null && Date.parse(operator.expiresAt) <= Date.now())) {
        throw new ApiError('unauthorized', 'invalid, expired or revoked operator token');
      }
      request.principal = { kind: 'admin', role: operator.role, token: { id: operator.id, name: operator.name } };
      return;
    }
    const token = presented.length <= 256 ? await store.findTokenByHash(hashToken(presented)) : null;
    if (!token || (token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now())) {
      throw new ApiError('unauthorized', 'invalid or expired API token');
    }
    request.principal =
      token.kind === 'portal'
        ? { kind: 'portal', appId: token.appId, tokenId: token.id, name: token.name, scope: portalScope(token.capabilities ?? null, token.eventTypes ?? null) }
        : { kind: 'app', appId: token.appId, tokenId: token.id, name: token.name };
  });
  app.addHook('preValidation', async (request) => {
    const principal = request.principal;
    if (!principal) return; // a path outside /api, or a public one: no token, no rights to check
    // A route that forgot to say fails closed: admin only (build-server.ts also refuses to start).
    const needed = request.routeOptions.config?.access ?? 'admin';
    if (ACCESS_LEVELS[principal.kind] < ACCESS_LEVELS[needed]) throw new ApiError('forbidden', deniedMessage(needed));
    // A scoped portal link: the route's capability (route-access.ts). Admin and app tokens hold them all.
    const capability = request.routeOptions.config?.capability;
    if (principal.kind === 'portal' && capability && !principal.scope.capabilities.has(capability)) {
      throw new ApiError('forbidden', missingCapabilityMessage(capability));
    }
    // A named operator token: the route's least role (route-access.ts), in the same hook.
    if (principal.kind === 'admin' && principal.role !== 'admin') {
      const needed = neededRole(request.routeOptions.config, request.body);
      if (ROLE_RANKS[principal.role] < ROLE_RANKS[needed]) {
        throw new ApiError(needed === 'admin' ? 'admin_role_required' : 'operator_role_required', roleDeniedMessage(needed, principal.role));
      }
    }
  });
}

/**
 * The least role a route needs. A route that does not say fails closed (admin). An admin route with
 * `operatorFields` (PATCH endpoint: `disabled`) is an operator's when the body sets only those.
 */
function neededRole(config: Partial<AccessConfig> | undefined, body: unknown): OperatorRole {
  const role = config?.role ?? 'admin';
  const fields = config?.operatorFields;
  if (role !== 'admin' || !fields || typeof body !== 'object' || body === null) return role;
  const keys = Object.keys(body);
  return keys.length > 0 && keys.every((k) => fields.includes(k)) ? 'operator' : role;
}

/** A link stored before capabilities existed (null) may do everything, as it could when issued. */
function portalScope(capabilities: string[] | null, eventTypes: string[] | null): PortalScope {
  const held = capabilities === null ? ALL_CAPABILITIES : capabilities.filter(isCapability);
  return { capabilities: new Set(held), eventTypes };
}
