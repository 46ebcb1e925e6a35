import { Type } from 'typebox';
import { CHANNEL_PATTERN, EventTypeName, TAG_PATTERN } from '../schemas/bodies.js';

// Route-only schemas: path parameters and list queries. The bodies (apps, endpoints, messages…) are
// in src/schemas/bodies.ts, shared with services and config files. Unknown query fields are refused.

const strict = { additionalProperties: false } as const;

export const Pagination = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
    iterator: Type.Optional(Type.String({ maxLength: 128, description: 'the `iterator` of the previous page; leave out for the first' })),
  },
  strict,
);
export const AttemptListQuery = Type.Object(
  { ...Pagination.properties, status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('cancelled')])) },
  strict,
);
export const MessageListQuery = Type.Object(
  {
    ...Pagination.properties, eventType: Type.Optional(EventTypeName),
    channel: Type.Optional(Type.String({ pattern: CHANNEL_PATTERN, description: 'only messages published with this channel (docs/channels.md)' })),
    tag: Type.Optional(Type.String({ pattern: TAG_PATTERN, maxLength: 128, description: 'only messages published with exactly this tag' })),
  },
  strict,
);

export const AppParams = Type.Object({ appId: Type.String({ maxLength: 128 }) });
export const EndpointParams = Type.Object({ appId: Type.String({ maxLength: 128 }), endpointId: Type.String({ maxLength: 64 }) });
export const MessageParams = Type.Object({ appId: Type.String({ maxLength: 128 }), msgId: Type.String({ maxLength: 64 }) });
export const ResendParams = Type.Object({
  appId: Type.String({ maxLength: 128 }), msgId: Type.String({ maxLength: 64 }), endpointId: Type.String({ maxLength: 64 }),
});

