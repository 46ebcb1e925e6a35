import { Type, type Static } from 'typebox';
import type { Page, PageRequest } from '../../store/store.js';
import { ApiError } from '../../errors/api-errors.js';
import { page, type CursorKind } from '../routes/context.js';

// Svix's wire contract (its public OpenAPI document, svix/svix-webhooks), shared by every
// src/api/svix route file: list envelope and query, id prefixes, route access. Svix's SDKs are
// generated from that document, so these shapes are what they parse.

export const SVIX_TAG = 'svix';

/** Svix's `order` (its Ordering): which way a list of applications, endpoints or event types runs. */
export const SvixOrdering = Type.Union([Type.Literal('ascending'), Type.Literal('descending')]);
export type SvixOrder = Static<typeof SvixOrdering>;

/** `limit`, `iterator` and `order` as Svix's lists take them (Svix caps `limit` at 250, as Herald does). */
export const SvixListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
    // A key (an event type's name: at most 128 characters) and at most one mark ("-" or "~", below).
    iterator: Type.Optional(Type.Union([Type.String({ maxLength: 129 }), Type.Null()])),
    order: Type.Optional(Type.Union([SvixOrdering, Type.Null()])),
  },
  { additionalProperties: false },
);

export interface SvixListOut<U> {
  data: U[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/** A list that cannot hold anything for this query (a filter no record matches). */
export const EMPTY_SVIX_LIST: SvixListOut<never> = Object.freeze({ data: [], iterator: null, prevIterator: null, done: true }) as SvixListOut<never>;

/** What one Svix list reads: its store query (given the page) and the key a page continues after. */
export interface SvixListSource<T> {
  /** The cursor's kind, checked at the door (page()). */
  kind: CursorKind;
  /** Svix's order when the request names none (applications and event types ascending, the rest descending). */
  defaultOrder: SvixOrder;
  keyOf: (item: T) => string;
  fetch: (page: PageRequest) => Promise<Page<T>>;
}

// Svix's iterators are opaque text. As Svix's server does, an iterator is the key of the last item
// of a page, and `prevIterator` is "-" and the key of its first item: asked for, it answers the
// items before that one, in the list's order, so it pages back to exactly the page before. An event
// type's name may itself start with "-": its forward iterator is then written "~name" ("~" is in no
// key, and URL-safe).
function readIterator(iterator: string | null | undefined): { key: string | undefined; backwards: boolean } {
  if (!iterator) return { key: undefined, backwards: false };
  if (iterator.startsWith('-')) return { key: iterator.slice(1), backwards: true };
  return { key: iterator.startsWith('~') ? iterator.slice(1) : iterator, backwards: false };
}
const forwardIterator = (key: string) => (key.startsWith('-') ? `~${key}` : key);

/**
 * One page of a Svix list, forwards (`iterator`) or back (`prevIterator`), in `order`: the store is
 * asked the other way round when paging back, and the rows put back in the list's order.
 */
export async function svixList<T, U>(
  q: { limit?: number; iterator?: string | null; order?: SvixOrder | null },
  source: SvixListSource<T>,
  map: (item: T) => U,
): Promise<SvixListOut<U>> {
  // Event type names are keys as they are; ids carry Svix's prefixes on the wire.
  const [toWire, fromWire] = source.kind === 'event-type' ? [(k: string) => k, (k: string) => k] : [toSvixId, fromSvixId];
  const { key, backwards } = readIterator(q.iterator);
  const request = page({ limit: q.limit, iterator: key === undefined ? undefined : fromWire(key) }, source.kind);
  const ascending = (q.order ?? source.defaultOrder) === 'ascending';
  const result = await source.fetch({ ...request, order: ascending !== backwards ? 'asc' : 'desc' });
  const data = backwards ? [...result.data].reverse() : result.data;
  const first = data[0];
  const last = data[data.length - 1];
  return {
    data: data.map(map),
    iterator: last === undefined ? null : forwardIterator(toWire(source.keyOf(last))),
    prevIterator: first === undefined ? null : `-${toWire(source.keyOf(first))}`,
    done: result.done,
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
