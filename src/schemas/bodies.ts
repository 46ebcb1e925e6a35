import { Type, type Static } from 'typebox';

// The shapes of what clients create and change (apps, event types, endpoints, messages, secrets):
// Fastify validates request bodies with them before a handler runs, config files are checked against
// the same ones, and services take their Static types. Kept below api/, services/ and config/ so all
// three can import them without a cycle. Unknown fields are rejected rather than silently dropped.

const strict = { additionalProperties: false } as const;
export const EVENT_TYPE_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
export const EventTypeName = Type.String({ pattern: EVENT_TYPE_PATTERN, description: 'e.g. member.removed' });
const Text = (max: number) => Type.String({ maxLength: max });
const ISO_DURATION_PATTERN = '^P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?$';
// Custom headers. A key pattern here would not refuse anything: Type.Record turns it into JSON
// Schema `patternProperties`, which only says what keys that match must hold, and lets every other
// key through untouched. Names and values are checked in services/endpoint-settings.ts instead
// (RFC 9110 token names, field-values, reserved names), which also covers config files and PATCH.
const StringMap = Type.Record(Type.String(), Type.String({ maxLength: 2048 }), {
  maxProperties: 50,
  description: 'header name (RFC 9110 token, at most 128 characters) to value (no CR, LF, NUL or other control characters but tab)',
});
/** Svix-style channels (domain/channels.ts), on endpoints and messages: Svix's names, at most 10 (as Svix). */
export const CHANNEL_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
/** A message tag's characters (Svix's: its MessageIn.tags and the `tag` filter). */
export const TAG_PATTERN = '^[a-zA-Z0-9\\-_./\\\\#]+$';
const Channels = Type.Array(Type.String({ pattern: CHANNEL_PATTERN }), { maxItems: 10, uniqueItems: true });
const QueryMap = Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 2048 }), { maxProperties: 50 });

// Checked by parseSchedule (services/endpoint-settings.ts), which takes the --retry-schedule flag's forms too.
const RetryDelay = Type.String({ minLength: 1, maxLength: 32, description: 'a delay: "5s", "5m", "2h", "1d", "500ms" or ISO 8601 "PT5S"' });
const RetrySchedule = Type.Array(RetryDelay, {
  maxItems: 20,
  description: 'delays before each retry, e.g. ["5s","5m","2h"] or ["PT5S","PT5M","PT2H"]; responses use ISO 8601',
});

/** Origins allowed to frame the portal (https://host[:port]); checked by domain/frame-origins.ts. */
export const FrameOrigins = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
  maxItems: 20,
  description: 'exact origins (https://app.example.com[:port]; http only for loopback hosts) whose pages may frame the portal',
});
export const AppCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    uid: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$' }), Type.Null()])),
    retrySchedule: Type.Optional(Type.Union([RetrySchedule, Type.Null()])),
    allowedOrigins: Type.Optional(FrameOrigins),
    requireHttps: Type.Optional(Type.Boolean({
      description: "endpoints of this app must use https:// URLs (http:// ones are refused with insecure_url); can be switched on only while the app has no http:// endpoint",
    })),
  },
  strict,
);
export const AppPatch = Type.Partial(AppCreate, strict);

/** At most this many examples per event type (the catalogue shows them; a test event sends the first). */
export const MAX_EVENT_EXAMPLES = 20;
// The catalogue fields (docs/event-catalogue.md). `schema` is any JSON object here: that it is a
// valid JSON Schema 2020-12, and that each example matches it, is checked by services/event-catalogue.ts.
const EventTypeFields = {
  description: Type.Optional(Type.Union([Text(1024), Type.Null()])),
  group: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  schema: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true, description: 'JSON Schema 2020-12 for the messages\' data' }), Type.Null()])),
  examples: Type.Optional(Type.Array(Type.Unknown(), { maxItems: MAX_EVENT_EXAMPLES, description: 'example data values, each valid against schema' })),
  deprecated: Type.Optional(Type.Boolean()),
  validation: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('reject')], { description: 'reject: publishes whose data does not match schema answer 422' })),
};
export const EventTypeCreate = Type.Object({ name: EventTypeName, ...EventTypeFields }, strict);
export const EventTypePatch = Type.Object(EventTypeFields, strict);
/** An OpenAPI 3.1 document; only `webhooks` (and the `components` it refers to) is read. */
export const EventTypeImport = Type.Object(
  {
    openapi: Type.String({ pattern: '^3\\.1\\.', description: 'an OpenAPI 3.1 document' }),
    webhooks: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: true },
);

export const SignatureSchema = Type.Object(
  {
    scheme: Type.Union(
      // Spelled out: a `.map` over the names types the result as `never` in Static<>.
      [Type.Literal('standard-webhooks'), Type.Literal('svix'), Type.Literal('timestamped'), Type.Literal('hmac-sha256'), Type.Literal('stripe'), Type.Literal('entity-path'), Type.Literal('none')],
    ),
    header: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,128}$' })),
    prefix: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
);

export const TlsSchema = Type.Object(
  {
    ca: Type.Optional(Text(65536)),
    cert: Type.Optional(Text(65536)),
    key: Type.Optional(Text(65536)),
    passphrase: Type.Optional(Text(1024)),
    insecureSkipVerify: Type.Optional(Type.Boolean()),
    // PKCS#12 files, uploaded as base64 and turned into the PEM fields above (services/tls-settings.ts).
    pkcs12: Type.Optional(Type.String({ minLength: 1, maxLength: 174764, description: 'base64 of a PKCS#12 (.p12/.pfx) client certificate and key, instead of cert and key; its password in passphrase' })),
    caPkcs12: Type.Optional(Type.String({ minLength: 1, maxLength: 174764, description: 'base64 of a PKCS#12 trust store (certificates to trust), instead of or besides ca' })),
    caPassphrase: Type.Optional(Text(1024)),
  },
  strict,
);

const endpointFields = {
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  name: Type.Optional(Type.Union([Text(256), Type.Null()])),
  description: Type.Optional(Type.Union([Text(4096), Type.Null()])),
  eventTypes: Type.Optional(Type.Union([Type.Array(EventTypeName, { maxItems: 1000, uniqueItems: true }), Type.Null()])),
  entityTypes: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000, uniqueItems: true }), Type.Null()])),
  method: Type.Optional(Type.Union([Type.Literal('POST'), Type.Literal('GET')])),
  payloadFormat: Type.Optional(
    Type.Union([Type.Literal('standard'), Type.Literal('event'), Type.Literal('raw'), Type.Literal('entity-ref')]),
  ),
  signature: Type.Optional(SignatureSchema),
  headers: Type.Optional(StringMap),
  query: Type.Optional(QueryMap),
  timeout: Type.Optional(Type.String({
    pattern: ISO_DURATION_PATTERN, maxLength: 32,
    description: 'ISO 8601, from PT0.1S (100 ms) to PT15M, default PT30S: bounds the connection and the whole request',
  })),
  tls: Type.Optional(Type.Union([TlsSchema, Type.Null()])),
  retrySchedule: Type.Optional(Type.Union([RetrySchedule, Type.Null()])),
  rateLimit: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 100000 }), Type.Null()])),
  disabled: Type.Optional(Type.Boolean()),
  ordering: Type.Optional(Type.Union([Type.Literal('unordered'), Type.Literal('entity')], {
    description: '"entity": messages about one entity (or with one orderingKey) arrive one at a time, in publish order',
  })),
  // As for filters: the schema's cap keeps bodies sane; the transformation's own limit is checked
  // with its syntax (services/transformation-check.ts), answered with invalid_transformation.
  transformation: Type.Optional(Type.Union([Type.String({
    maxLength: 65536,
    description: 'JavaScript defining function handler(webhook) { return webhook; }, run in a sandbox before each attempt is signed (docs/transformations.md); null or "" for none',
  }), Type.Null()])),
  // The schema's cap only keeps bodies sane; the filter's own limit (1,000 characters) is checked
  // with its other bounds, so a long one is answered with invalid_filter and its position.
  filter: Type.Optional(Type.Union([Type.String({
    maxLength: 65536,
    description: 'a CEL expression over eventType, data and entity: only messages it is true for are delivered (docs/filters.md); null or "" for none',
  }), Type.Null()])),
  forwardTraceContext: Type.Optional(Type.Boolean({
    description: 'send the publisher\'s W3C traceparent (a child span of it) and tracestate with each attempt; default true',
  })),
  channels: Type.Optional(Type.Union([Channels, Type.Null()], {
    description: 'only messages published with one of these channels are delivered; empty or null: every message (docs/channels.md)',
  })),
};

export const EndpointCreate = Type.Object(
  { ...endpointFields, secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
  strict,
);
export const EndpointPatch = Type.Partial(
  Type.Object({ ...endpointFields, secret: Type.String({ minLength: 1, maxLength: 256 }) }),
  strict,
);

export const MessageCreate = Type.Object(
  {
    eventType: EventTypeName,
    data: Type.Unknown(),
    entity: Type.Optional(
      Type.Union([
        Type.Object(
          {
            type: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^/]+$' }),
            id: Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Number()]),
          },
          strict,
        ),
        Type.Null(),
      ]),
    ),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    orderingKey: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'orders delivery to ordering: "entity" endpoints; default: the entity' })),
    eventId: Type.Optional(Type.String({
      minLength: 1, maxLength: 256,
      description: "your own id for this event: envelope bodies carry it (OfficeRnD's event) instead of Herald's message id; a repeat within 24 hours returns the earlier message",
    })),
    timestamp: Type.Optional(Type.String({
      format: 'date-time', maxLength: 64,
      description: "your own RFC 3339 time of the event, sent as given in bodies that carry a time (standard's timestamp, event's createdAt)",
    })),
    channels: Type.Optional(Type.Union([Channels, Type.Null()], {
      description: 'endpoints that list channels receive this message only if it has one of theirs (docs/channels.md)',
    })),
    retentionHours: Type.Optional(Type.Integer({
      minimum: 1, maximum: 2160,
      description: "this message's own payload retention: its data (and its attempts' bodies) are purged this many hours after publishing, instead of after the server-wide --retention",
    })),
    tags: Type.Optional(Type.Array(Type.String({ pattern: TAG_PATTERN, maxLength: 128 }), {
      maxItems: 5, uniqueItems: true, description: 'labels kept with the message, to filter lists by (`?tag=`); Svix\'s limits',
    })),
    deliverAt: Type.Optional(Type.String({
      format: 'date-time', maxLength: 64,
      description: 'send the deliveries at this time (at most 24 hours ahead; a past time sends at once)',
    })),
  },
  { ...strict, required: ['eventType', 'data'] },
);

export const MAX_BATCH_MESSAGES = 1000;
export const MessageBatchCreate = Type.Object(
  { messages: Type.Array(MessageCreate, { minItems: 1, maxItems: MAX_BATCH_MESSAGES }) },
  strict,
);

export const TestEventCreate = Type.Object({ eventType: Type.Optional(EventTypeName) }, strict);

export const SecretRotate = Type.Object(
  {
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the new secret; generated when omitted' })),
    graceSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 604800, description: 'how long the old secret keeps signing (standard-webhooks); default 86400' }),
    ),
  },
  strict,
);

export type EventTypeCreateBody = Static<typeof EventTypeCreate>;
export type EventTypePatchBody = Static<typeof EventTypePatch>;
export type EventTypeImportBody = Static<typeof EventTypeImport>;
export type AppCreateBody = Static<typeof AppCreate>;
export type AppPatchBody = Static<typeof AppPatch>;
export type EndpointCreateBody = Static<typeof EndpointCreate>;
export type EndpointPatchBody = Static<typeof EndpointPatch>;
export type MessageCreateBody = Static<typeof MessageCreate>;
