import { Type, type Static } from 'typebox';
import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN, TAG_PATTERN } from '../../schemas/bodies.js';
import { SvixAppIn } from './svix-bodies.js';

// Svix's message and attempt request shapes (its OpenAPI document's MessageIn and the list
// queries), for what Herald serves. Fields Herald cannot honour are accepted by the schema only
// to be refused by name (501 via refuseUnsupported), never stored and forgotten.

const strict = { additionalProperties: false } as const;
/** Svix's tag characters (its OpenAPI document's MessageIn.tags and the `tag` filter), as Herald's own. */
const SVIX_TAG_PATTERN = TAG_PATTERN;
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const SvixMessageIn = Type.Object(
  {
    eventType: Type.String({ pattern: EVENT_TYPE_PATTERN }),
    payload: Type.Unknown(),
    eventId: Nullable(Type.String({ pattern: '^[A-Za-z0-9._-]{1,256}$' })),
    channels: Nullable(Type.Array(Type.String({ pattern: CHANNEL_PATTERN }), { maxItems: 10, uniqueItems: true })),
    payloadRetentionPeriod: Nullable(Type.Integer({ minimum: 1, maximum: 90 })),
    payloadRetentionHours: Nullable(Type.Integer({ minimum: 1, maximum: 2160 })),
    // Svix's limits: at most 5 distinct tags of its characters.
    tags: Nullable(Type.Array(Type.String({ pattern: SVIX_TAG_PATTERN, maxLength: 128 }), { maxItems: 5, uniqueItems: true })),
    deliverAt: Nullable(Type.String({ format: 'date-time' })),
    // Creates the app when `{app_id}` names none (svix-message-app.ts); ignored when it does.
    application: Nullable(SvixAppIn),
    // Refused by name when set (Herald has its own transformations, not Svix's).
    transformationsParams: Nullable(Type.Unknown()),
  },
  { ...strict, required: ['eventType', 'payload'] },
);
export type SvixMessageInBody = Static<typeof SvixMessageIn>;

/**
 * The message's own payload retention in hours, as Herald's retentionHours takes it: Svix's
 * payloadRetentionHours, else payloadRetentionPeriod in days. Svix calls the two mutually exclusive;
 * its older SDKs send a default period beside the hours a caller set, so the hours win when both
 * come. Neither: undefined (the server-wide retention applies).
 */
export function svixRetentionHours(body: Pick<SvixMessageInBody, 'payloadRetentionHours' | 'payloadRetentionPeriod'>): number | undefined {
  if (body.payloadRetentionHours != null) return body.payloadRetentionHours;
  if (body.payloadRetentionPeriod != null) return body.payloadRetentionPeriod * 24;
  return undefined;
}

/** `?with_content=`: payloads in the answer (default true, as Svix). */
export const SvixWithContentQuery = Type.Object({ with_content: Type.Optional(Type.Boolean()) }, strict);

// Svix's SDKs send a list as one comma-joined value; other clients repeat the key. Both are taken.
const TypeList = Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 })]);
const listFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  iterator: Nullable(Type.String({ maxLength: 128 })),
  channel: Type.Optional(Type.String({ pattern: CHANNEL_PATTERN })),
  before: Type.Optional(Type.String({ format: 'date-time' })),
  after: Type.Optional(Type.String({ format: 'date-time' })),
  with_content: Type.Optional(Type.Boolean()),
  tag: Type.Optional(Type.String({ pattern: SVIX_TAG_PATTERN, maxLength: 128 })),
  event_types: Type.Optional(TypeList),
};

export const SvixMessageListQuery = Type.Object(listFields, strict);
export type SvixMessageListQueryValue = Static<typeof SvixMessageListQuery>;

export const SvixAttemptListQuery = Type.Object(
  {
    ...listFields,
    status: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
    // Svix's StatusCodeClass: 0 (no response), 100, 200, 300, 400, 500.
    status_code_class: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, multipleOf: 100 })),
    endpoint_id: Type.Optional(Type.String({ maxLength: 128 })),
    with_msg: Type.Optional(Type.Boolean()),
    expanded_statuses: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type SvixAttemptListQueryValue = Static<typeof SvixAttemptListQuery>;

/** event_types as given (one comma-joined value or a repeated key) → the list; absent: undefined. */
export function eventTypesOf(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** An RFC 3339 time from the query in the stores' form (toISOString), compared as text there. */
export function isoOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}
