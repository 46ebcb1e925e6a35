// Who may call which route, as data. Each route's `config.access` names the least principal that
// may call it; the auth hook (auth.ts) compares it with the caller's rank. README's "Token rights"
// table describes the same three levels.
//
//   portal: a portal link's token: the tenant's own people managing their endpoints
//   app:    an app token: the product's backend for one tenant (adds publishing)
//   admin:  the admin token: everything, every app

export type RouteAccess = 'portal' | 'app' | 'admin';

/** Higher may do everything lower may. */
export const ACCESS_LEVELS: Record<RouteAccess, number> = { portal: 0, app: 1, admin: 2 };

/** The 403 message: what the route needs, and what the caller's token is for instead. */
export function deniedMessage(needed: RouteAccess): string {
  return needed === 'admin'
    ? 'this route needs the admin token; app tokens and portal links cannot use it'
    : "this route needs an app token or the admin token: a portal link cannot publish messages (publishing is for the product's backend); " +
        'it manages its own endpoints and reads their messages and attempts';
}

/** Route options' `config` for each level, so route files read `{ config: portalAccess }`. */
export const adminAccess = { access: 'admin' } as const;
export const appAccess = { access: 'app' } as const;
export const portalAccess = { access: 'portal' } as const;
