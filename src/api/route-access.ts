// Who may call which route, as data. Each route's `config.access` names the least principal that
// may call it; the auth hook (auth.ts) compares it with the caller's rank. A route open to portal
// links also names the `capability` a link needs for it (or null: any link), so a scoped link
// (`capabilities` at POST …/portal-link) is refused by the API, not only hidden in the portal.
// docs/tenants-and-tokens.md's rights table describes the same data.
//
//   portal: a portal link's token: the tenant's own people managing their endpoints
//   app:    an app token: the product's backend for one tenant (adds publishing)
//   admin:  the admin token: everything, every app

import type { OperatorRole } from '../domain/operators.js';

export type RouteAccess = 'portal' | 'app' | 'admin';

/** Higher may do everything lower may. */
export const ACCESS_LEVELS: Record<RouteAccess, number> = { portal: 0, app: 1, admin: 2 };

/** What a portal link may be limited to. A link without `capabilities` gets all of them. */
export const CAPABILITIES = [
  'endpoints:read',
  'endpoints:write',
  'secrets:read',
  'secrets:rotate',
  'messages:read',
  'messages:resend',
  'recover',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}

/** The 403 message: what the route needs, and what the caller's token is for instead. */
export function deniedMessage(needed: RouteAccess): string {
  return needed === 'admin'
    ? 'this route needs the admin token; app tokens and portal links cannot use it'
    : "this route is for the product's backend and needs an app token or the admin token (publishing, clearing a message's " +
        "content, Svix's API); a portal link manages its own endpoints and reads their messages and attempts";
}

/** The 403 message for a scoped portal link that lacks the route's capability. */
export function missingCapabilityMessage(capability: Capability): string {
  return `this portal link does not have the "${capability}" capability; ask for a link issued with it`;
}

export interface AccessConfig {
  access: RouteAccess;
  /** Portal routes only: the capability a portal link needs, or null when any link may call it. */
  capability?: Capability | null;
  /** The least role a named operator token needs (docs/operators.md); absent: admin (fails closed). */
  role?: OperatorRole;
  /** An operator may call this admin-role route when its body sets only these fields (enable/disable). */
  operatorFields?: readonly string[];
}

/**
 * The least operator role for each portal capability. Reading is for viewers; resending and
 * recovering for operators; changing endpoints, and seeing or rotating a secret, for admins: a
 * signing secret lets its holder forge webhooks, and no operator task (resend, recover,
 * enable/disable) needs one.
 */
export const CAPABILITY_ROLES: Record<Capability, OperatorRole> = {
  'endpoints:read': 'viewer',
  'endpoints:write': 'admin',
  'secrets:read': 'admin',
  'secrets:rotate': 'admin',
  'messages:read': 'viewer',
  'messages:resend': 'operator',
  recover: 'operator',
};

/** Route options' `config` for each level, so route files read `{ config: adminAccess }`. */
export const adminAccess = { access: 'admin', role: 'admin' } as const;
/** An admin-token route that only reads: named viewer and operator tokens may call it too. */
export const adminRead = { access: 'admin', role: 'viewer' } as const;
/** Publishing: for app tokens and admins (an operator re-sends; it does not publish). */
export const appAccess = { access: 'app', role: 'admin' } as const;
/** A portal route every link may call whatever its capabilities (what the portal needs to show itself). */
export const portalAnyLink = { access: 'portal', capability: null, role: 'viewer' } as const;
/** A portal route a link may call only when it holds `capability` (and an operator token with its role). */
export const portalNeeds = <C extends Capability>(capability: C) => ({ access: 'portal', capability, role: CAPABILITY_ROLES[capability] }) as const;

/** The 403 message for a named operator token whose role is below the route's. */
export function roleDeniedMessage(needed: OperatorRole, held: OperatorRole): string {
  return `this route needs an operator token with the "${needed}" role (or the admin token); this token's role is "${held}"`;
}

/**
 * Why a guarded route's config is not a decision, or null when it is. build-server.ts refuses to
 * start on a problem: who may call a route, and with which capability, is never a default.
 */
export function accessProblem(config: Partial<AccessConfig> | undefined): string | null {
  const access = config?.access;
  if (!access || !(access in ACCESS_LEVELS)) return "must state config.access ('admin' | 'app' | 'portal')";
  if (access !== 'portal') return null;
  if (config.capability === undefined) {
    return 'is open to portal links and must state config.capability (use portalNeeds(<capability>) or portalAnyLink from route-access.ts)';
  }
  if (config.capability !== null && !isCapability(config.capability)) return `names an unknown capability "${config.capability}"`;
  return null;
}

/** Throws, naming the route, when its config leaves who may call it to a default (build-server.ts's onRoute). */
export function assertRouteAccess(route: { method: string | string[]; url: string; config?: unknown }): void {
  const problem = accessProblem(route.config as Partial<AccessConfig> | undefined);
  if (problem) throw new Error(`route ${[route.method].flat().join(',')} ${route.url} ${problem}`);
}
