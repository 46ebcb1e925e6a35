import type { PayloadFormat, SignatureConfig } from '../wire/index.js';

// The records Herald keeps. Stores map these to rows; the API maps them to JSON.

export interface App {
  id: string;
  uid: string | null;
  name: string;
  /** Retry delays in ms overriding the server default for this app's endpoints; null = default. */
  retrySchedule: number[] | null;
  /** Origins whose pages may frame this app's portal links by default (CSP frame-ancestors); [] = none. */
  allowedOrigins: string[];
  /** Endpoints must use https:// URLs (OfficeRnD refuses to save an http:// one); absent: false. */
  requireHttps?: boolean;
  /** Svix's free-form string pairs about the app (src/api/svix); absent when none. */
  metadata?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type EventValidation = 'off' | 'reject';

/** A catalogue entry (docs/event-catalogue.md): what a product's events are and what their `data` holds. */
export interface EventType {
  name: string;
  description: string | null;
  /** Heading it is listed under in the catalogue and the endpoint form's event picker, e.g. "Members". */
  group: string | null;
  /** JSON Schema 2020-12 for the messages' `data`; null: undocumented. */
  schema: Record<string, unknown> | null;
  /** Example `data` values, each valid against `schema`; the first is sent by a test event. */
  examples: unknown[];
  deprecated: boolean;
  /** 'reject': a publish whose data does not match `schema` is refused with 422. */
  validation: EventValidation;
  /** Grows by one on every write, so a process's compiled-schema cache can tell it is stale. */
  revision: number;
  /** Archived through Svix's DELETE (migration 28): kept, left out of lists unless asked for. */
  archived?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  insecureSkipVerify?: boolean;
}

export interface EndpointSecret {
  secret: string;
  /** ISO time after which this (old) secret stops being used; null for the current secret. */
  expiresAt: string | null;
}

export interface Endpoint {
  id: string;
  appId: string;
  /**
   * The stable key a declarative config file gives this endpoint, unique within its app, so the
   * next start-up finds it again; null (or absent) for endpoints created through the API.
   */
  uid?: string | null;
  url: string;
  name: string | null;
  description: string | null;
  eventTypes: string[] | null;
  entityTypes: string[] | null;
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  signature: SignatureConfig;
  /** Current secret first, then old ones still inside their rotation grace period. */
  secrets: EndpointSecret[];
  headers: Record<string, string>;
  query: Record<string, string>;
  timeoutMs: number;
  tls: TlsSettings | null;
  retrySchedule: number[] | null;
  rateLimit: number | null;
  disabled: boolean;
  /** 'entity': messages about one entity arrive one at a time, in publish order. Absent: 'unordered'. */
  ordering?: EndpointOrdering;
  /** false: attempts do not send the publisher's `traceparent`/`tracestate` (docs/tracing.md). Absent: true. */
  forwardTraceContext?: boolean;
  /** Only messages with one of these channels reach it (domain/channels.ts); null or absent: every message. */
  channels?: string[] | null;
  /** Svix's free-form string pairs about the endpoint (src/api/svix); absent when none. */
  metadata?: Record<string, string>;
  /**
   * JavaScript defining `function handler(webhook)`, run in a sandbox before each attempt is signed
   * (docs/transformations.md); null or absent: none.
   */
  transformation?: string | null;
  /**
   * A CEL expression over { eventType, data, entity }: a message it is not true for creates no
   * delivery to this endpoint (docs/filters.md); null or absent: none.
   */
  filter?: string | null;
  /** How often the current filter failed on a message (read-only; absent while it never has). */
  filterErrors?: FilterErrors;
  createdAt: string;
  updatedAt: string;
  /**
   * Set (to the reason) when a sealed value of this endpoint (secret, TLS settings, headers, query)
   * cannot be decrypted: a damaged row. It is listed, read and deleted as usual, but its deliveries
   * fail with this reason and it cannot be updated (the store would overwrite what it cannot read).
   */
  unreadable?: string;
}

export type EndpointOrdering = 'unordered' | 'entity';

/** A payload filter's failures on messages (each counted as no match), since it was last changed. */
export interface FilterErrors {
  count: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface MessageEntity {
  type: string;
  id: string | number;
}

export interface Message {
  id: string;
  appId: string;
  eventType: string;
  /** The published data as JSON text: signed and sent as-is, never re-serialised per delivery. */
  dataJson: string;
  entity: MessageEntity | null;
  idempotencyKey: string | null;
  createdAt: string;
  /** The API request that published it, so its attempts can be traced back in the logs. */
  requestId?: string | null;
  /** Deliveries to `ordering: 'entity'` endpoints with the same key go one at a time, in order. */
  orderingKey?: string | null;
  /**
   * The publisher's own id for the event (1-256 characters): envelope formats send it instead of
   * `id`, and it is unique per app within the idempotency window. Absent when not published.
   */
  eventId?: string | null;
  /** The publisher's own RFC 3339 time of the event, as published: bodies send it instead of `createdAt`. */
  eventTime?: string | null;
  /** W3C `traceparent` sent with the publish (docs/tracing.md): each attempt forwards a child of it. */
  traceparent?: string | null;
  /** W3C `tracestate` sent with that traceparent, forwarded as is. */
  tracestate?: string | null;
  /** Svix-style channels (domain/channels.ts): endpoints listing channels get it only on a match. Absent: none. */
  channels?: string[] | null;
  /**
   * When retention clears this message's payload (ISO), set when it was published with its own
   * retention (Svix's payloadRetentionPeriod/Hours, Herald's retentionHours): earlier or later than
   * the server-wide --retention, which then does not apply to it. Absent: the server-wide retention.
   */
  payloadExpiresAt?: string | null;
  /** Svix's message tags (at most 5), filtered on by message lists. Absent: none. */
  tags?: string[] | null;
  /** Svix's deliverAt (ISO): its deliveries are due then, not before (domain/deliver-at.ts). Absent: at once. */
  deliverAt?: string | null;
}

/** `cancelled`: the endpoint's transformation chose not to send it (not a failure). */
export type DeliveryStatus = 'pending' | 'success' | 'failed' | 'cancelled';

export interface Delivery {
  id: string;
  msgId: string;
  endpointId: string;
  appId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  createdAt: string;
  updatedAt: string;
  /** Set when its endpoint orders deliveries: see Message.orderingKey. */
  orderingKey?: string | null;
  /** Made by hand (a resend or a recovery) rather than by the publish's fan-out; absent: not by hand. */
  manual?: boolean;
}

export interface AttemptRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /**
   * Only from the delivery thread to the store, never in a read attempt: the body (null here) was
   * the message rendered in this payload format, so it is not carried nor stored but rebuilt from
   * the message when the attempt is read (store/attempt-request-bodies.ts).
   */
  bodyFrom?: PayloadFormat;
}

/** Recorded request and response bodies keep at most this much: enough to debug, bounded for hostile receivers. */
export const MAX_RECORDED_BODY = 64 * 1024;

export interface AttemptResponse {
  headers: Record<string, string>;
  body: string | null;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  msgId: string;
  endpointId: string;
  appId: string;
  attempt: number;
  status: 'success' | 'failed' | 'cancelled';
  responseStatus: number | null;
  durationMs: number;
  createdAt: string;
  request: AttemptRequest;
  response: AttemptResponse | null;
  error: string | null;
  /** The request id of the publish that caused this attempt (Message.requestId). */
  requestId?: string | null;
  /** Read back only: its delivery was made by hand (Delivery.manual), Svix's triggerType 1. */
  manual?: boolean;
}

/** An app-scoped API token (the secret itself is never stored, only its SHA-256). */
export interface ApiToken {
  id: string;
  appId: string;
  name: string | null;
  /** 'api' tokens live until revoked; 'portal' tokens back a short-lived portal link. */
  kind: 'api' | 'portal';
  tokenHash: string;
  expiresAt: string | null;
  createdAt: string;
  /** Portal links: what the link may do (route-access.ts CAPABILITIES); null: everything (app tokens, older links). */
  capabilities?: string[] | null;
  /** Portal links: the event types the customer may subscribe to and see; null: every type. */
  eventTypes?: string[] | null;
  /** Portal links: origins that may frame it (CSP frame-ancestors); null: the app's `allowedOrigins`. */
  allowedOrigins?: string[] | null;
}
