import { Type } from 'typebox';
import type { Page } from '../../store/store.js';
import { ApiError } from '../../errors/api-errors.js';

// Svix's wire contract (its public OpenAPI document, svix/svix-webhooks), shared by every
// src/api/svix route file: list envelope and query, id prefixes, route access. Svix's SDKs are
// generated from that document, so these shapes are what they parse.

export const SVIX_TAG = 'svix';

/** `limit` and `iterator` as Svix's lists take them (Svix caps `limit` at 250, as Herald does). */
export const SvixListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
    iterator: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** Svix's list envelope. Herald pages forwards only (newest first), so there is no `prevIterator`. */
export function svixList<T, U>(page: Page<T>, map: (item: T) => U, toIterator: (it: string) => string = (it) => it) {
  return {
    data: page.data.map(map),
    iterator: page.iterator === null ? null : toIterator(page.iterator),
    prevIterator: null,
    done: page.done,
  };
}

// Herald's ids already carry Svix's prefixes for apps (app_), endpoints (ep_) and messages (msg_);
// only attempts (Herald atm_, Svix atmpt_) and background tasks (Herald tsk_, Svix qtask_) differ.
// The body after the prefix is Herald's ULID either way (26 characters where Svix's are 27: the
// SDKs treat ids as opaque text).
const SVIX_PREFIX: Record<string, string> = { atm: 'atmpt', tsk: 'qtask' };
const HERALD_PREFIX: Record<string, string> = { atmpt: 'atm', qtask: 'tsk' };

/** Herald id → the id Svix's clients see. */
export function toSvixId(heraldId: string): string {
  const cut = heraldId.indexOf('_');
  const svix = cut > 0 ? SVIX_PREFIX[heraldId.slice(0, cut)] : undefined;
  return svix ? `${svix}${heraldId.slice(cut)}` : heraldId;
}

/** An id as a Svix client sends it → Herald's id (unknown prefixes pass through: the look-up 404s). */
export function fromSvixId(svixId: string): string {
  const cut = svixId.indexOf('_');
  const herald = cut > 0 ? HERALD_PREFIX[svixId.slice(0, cut)] : undefined;
  return herald ? `${herald}${svixId.slice(cut)}` : svixId;
}

/** Svix answers 501 here; Herald has no such feature (streams, connectors, ingest, pollers …). */
export function notImplemented(method: string, route: string): ApiError {
  return new ApiError(
    'not_implemented',
    `${method} ${route} is part of Svix's API but not of Herald's: Herald serves Svix's applications, event types, endpoints, messages, attempts, portal access and health (docs/svix-compatibility.md)`,
  );
}

// Who may call Svix routes (route-access.ts). Svix's SDKs authenticate as Herald's clients do: the
// admin token (or a named operator token, by role) sees every app; an app token only its own app
// (tenancy.ts resolves `:appId`, id or uid). Portal links stay with Herald's portal.
/** App-scoped reads. */
export const svixRead = { access: 'app', role: 'viewer' } as const;
/** App-scoped changes (endpoints, secrets, headers, publishing). */
export const svixWrite = { access: 'app', role: 'admin' } as const;
/** App-scoped operator actions (resend, recover). */
export const svixOperate = { access: 'app', role: 'operator' } as const;
/** Environment-wide (apps list/create, event type changes): the admin token or an operator token by role. */
export const svixAdminRead = { access: 'admin', role: 'viewer' } as const;
export const svixAdminWrite = { access: 'admin', role: 'admin' } as const;
