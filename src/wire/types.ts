/** How a message is laid out on the wire: the body and, for `entity-ref`, the URL path. */
export type PayloadFormat = 'standard' | 'event' | 'raw' | 'entity-ref';

/** Named signature presets; see `scheme-presets.ts` for the data behind each name. */
export type SignatureSchemeName =
  | 'standard-webhooks'
  /** Standard Webhooks under Svix's own header names (svix-id, svix-timestamp, svix-signature). */
  | 'svix'
  | 'timestamped'
  | 'hmac-sha256'
  | 'stripe'
  | 'entity-path'
  | 'none';

export interface SignatureConfig {
  scheme: SignatureSchemeName;
  /** Signature header name, for the schemes whose receivers let it vary. */
  header?: string;
  /** Text before the digest (`sha256=` for PeopleForce and GitHub); `hmac-sha256` only. */
  prefix?: string;
}

export interface WireEntity {
  type: string;
  id: string | number;
}

export interface WireMessage {
  /** `msg_…`; stable across retries, so receivers can use it as an idempotency key. */
  id: string;
  eventType: string;
  /** ISO 8601, e.g. `2020-10-14T15:14:18.042Z`. */
  createdAt: string;
  /** The published data as JSON text; spliced into bodies verbatim so `raw` sends the exact bytes published. */
  dataJson: string;
  entity?: WireEntity | null;
  /** The publisher's own id for the event, carried by envelope formats in place of `id` (never in `webhook-id`). */
  eventId?: string | null;
  /** The publisher's own RFC 3339 time of the event, carried by envelope formats in place of `createdAt`. */
  eventTime?: string | null;
}

export interface WireEndpoint {
  url: string;
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  signature: SignatureConfig;
  /** Active secrets, newest first; more than one only while a secret is being rotated. */
  secrets: string[];
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** What a request may be sent as: an endpoint is POST or GET; its transformation may pick another. */
export type HttpMethod = 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE';

export interface RenderedRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export const PAYLOAD_FORMATS: readonly PayloadFormat[] = Object.freeze([
  'standard',
  'event',
  'raw',
  'entity-ref',
] as const);

export const SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = Object.freeze([
  'standard-webhooks',
  'svix',
  'timestamped',
  'hmac-sha256',
  'stripe',
  'entity-path',
  'none',
] as const);
