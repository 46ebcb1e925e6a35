import { Type, type Static } from 'typebox';
import { CHANNEL_PATTERN, EVENT_TYPE_PATTERN } from '../../schemas/bodies.js';

// Svix's request bodies (its OpenAPI document's *In / *Patch schemas), for the fields Herald
// serves. Unknown fields are refused (422), as on Herald's own routes: a field Herald would not
// act on must not seem accepted. Herald's own limits apply where they are tighter (uids: 128).

const strict = { additionalProperties: false } as const;
const Uid = Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$' });
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Metadata = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 1024 }), { maxProperties: 50 });
const EventTypes = Type.Array(Type.String({ pattern: EVENT_TYPE_PATTERN }), { maxItems: 1000, uniqueItems: true });
const Channels = Type.Array(Type.String({ pattern: CHANNEL_PATTERN }), { maxItems: 10, uniqueItems: true });
const Headers = Type.Record(Type.String(), Type.String({ maxLength: 2048 }), { maxProperties: 50 });

export const SvixAppIn = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }), uid: Nullable(Uid), metadata: Type.Optional(Metadata),
    throttleRate: Nullable(Type.Integer({ minimum: 0 })), rateLimit: Nullable(Type.Integer({ minimum: 0 })),
  },
  strict,
);
export const SvixAppPatch = Type.Partial(SvixAppIn, strict);
export type SvixAppInBody = Static<typeof SvixAppIn>;

export const SvixEndpointIn = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    throttleRate: Nullable(Type.Integer({ minimum: 0, maximum: 65535 })),
    uid: Nullable(Uid),
    disabled: Type.Optional(Type.Boolean()),
    filterTypes: Nullable(EventTypes),
    eventTypes: Nullable(EventTypes),
    channels: Nullable(Channels),
    secret: Nullable(Type.String({ minLength: 1, maxLength: 256 })),
    metadata: Type.Optional(Metadata),
    headers: Nullable(Headers),
    /** Deprecated in Svix (always 1); accepted so older SDKs keep working. */
    version: Nullable(Type.Integer({ minimum: 1 })),
    rateLimit: Nullable(Type.Integer({ minimum: 0, maximum: 65535 })),
  },
  strict,
);
export type SvixEndpointInBody = Static<typeof SvixEndpointIn>;
export const SvixEndpointPatch = Type.Partial(SvixEndpointIn, strict);
export type SvixEndpointPatchBody = Static<typeof SvixEndpointPatch>;

export const SvixHeadersIn = Type.Object({ headers: Headers }, strict);
export const SvixHeadersPatchIn = Type.Object(
  {
    headers: Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]), { maxProperties: 50 }),
    deleteHeaders: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  },
  strict,
);
export const SvixSecretRotateIn = Type.Object(
  { key: Nullable(Type.String({ minLength: 1, maxLength: 256 })), gracePeriodSeconds: Nullable(Type.Integer({ minimum: 0, maximum: 604800 })) },
  strict,
);
export const SvixRecoverIn = Type.Object({ since: Type.String({ format: 'date-time' }), until: Nullable(Type.String({ format: 'date-time' })) }, strict);
export const SvixEventExampleIn = Type.Object({ eventType: Type.String({ pattern: EVENT_TYPE_PATTERN }), exampleIndex: Type.Optional(Type.Integer({ minimum: 0 })) }, strict);

export const SvixEventTypeIn = Type.Object(
  {
    name: Type.String({ pattern: EVENT_TYPE_PATTERN }),
    description: Type.String({ maxLength: 1024 }),
    archived: Type.Optional(Type.Boolean()),
    deprecated: Type.Optional(Type.Boolean()),
    schemas: Nullable(Type.Record(Type.String(), Type.Unknown())),
    groupName: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
    featureFlags: Nullable(Type.Array(Type.String())),
    featureFlag: Nullable(Type.String()),
  },
  strict,
);
export type SvixEventTypeInBody = Static<typeof SvixEventTypeIn>;
export const SvixEventTypeUpdate = Type.Object({ ...Type.Omit(SvixEventTypeIn, ['name']).properties }, strict);
export const SvixEventTypePatch = Type.Partial(SvixEventTypeUpdate, strict);
export type SvixEventTypePatchBody = Static<typeof SvixEventTypePatch>;
export const SvixEventTypeImportIn = Type.Object(
  {
    spec: Nullable(Type.Record(Type.String(), Type.Unknown())),
    specRaw: Nullable(Type.String()),
    replaceAll: Type.Optional(Type.Boolean()),
    dryRun: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const SvixPortalAccessIn = Type.Object(
  {
    application: Nullable(SvixAppIn),
    expiry: Nullable(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })),
    featureFlags: Type.Optional(Type.Array(Type.String())),
    readOnly: Nullable(Type.Boolean()),
    capabilities: Nullable(Type.Array(Type.String())),
    sessionId: Nullable(Type.String()),
  },
  strict,
);
