import type { ApiToken, App, Attempt, Delivery, Endpoint, EventType, Message } from '../domain/model.js';
import type { Task } from '../domain/task.js';

// Rows use snake_case and JSON text columns; these functions are the only place that knows, for
// both stores (PostgreSQL keeps JSON as TEXT too, and returns BIGINT as text: hence the Number()s).
// Endpoint secrets, TLS settings, headers and query parameters pass through `SecretCodec`, so they
// are encrypted at rest.

import { EndpointUnreadableError } from './errors.js';
import type { SecretCodec } from './secret-codec.js';

export type Row = Record<string, any>;

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const parse = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

export function appToRow(a: App): Row {
  return {
    id: a.id, uid: a.uid, name: a.name, retry_schedule: json(a.retrySchedule),
    allowed_origins: json(a.allowedOrigins ?? []),
    require_https: a.requireHttps ?? false,
    metadata: metadataText(a.metadata),
    created_at: a.createdAt, updated_at: a.updatedAt,
  };
}

export function rowToApp(r: Row): App {
  const app: App = {
    id: r.id, uid: r.uid, name: r.name, retrySchedule: parse(r.retry_schedule),
    allowedOrigins: parse<string[]>(r.allowed_origins ?? null) ?? [],
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
  // Only when set, like the other optional settings, so an app record reads back as it was written.
  if (r.require_https === 1 || r.require_https === true) app.requireHttps = true;
  if (r.metadata != null) app.metadata = JSON.parse(r.metadata);
  return app;
}

/** Svix's metadata as JSON text; NULL when empty, so a record without any reads back without the field. */
const metadataText = (m: Record<string, string> | undefined): string | null => (m && Object.keys(m).length > 0 ? JSON.stringify(m) : null);

export function endpointToRow(e: Endpoint, codec: SecretCodec): Row {
  // Its unreadable values were replaced by empty ones when read: writing them back would lose them.
  if (e.unreadable) throw new EndpointUnreadableError(e.id, e.unreadable);
  return {
    id: e.id, app_id: e.appId, uid: e.uid ?? null, url: e.url, name: e.name, description: e.description,
    event_types: json(e.eventTypes), entity_types: json(e.entityTypes), method: e.method,
    payload_format: e.payloadFormat, signature: JSON.stringify(e.signature),
    secrets: codec.seal(JSON.stringify(e.secrets)), headers: codec.seal(JSON.stringify(e.headers)),
    query: codec.seal(JSON.stringify(e.query)), timeout_ms: e.timeoutMs,
    tls: e.tls ? codec.seal(JSON.stringify(e.tls)) : null,
    retry_schedule: json(e.retrySchedule), rate_limit: e.rateLimit, disabled: e.disabled,
    ordering: e.ordering ?? 'unordered', created_at: e.createdAt, updated_at: e.updatedAt,
    transformation: e.transformation ?? null,
    forward_trace_context: e.forwardTraceContext ?? true,
    channels: e.channels?.length ? JSON.stringify(e.channels) : null,
    metadata: metadataText(e.metadata),
    // Not its failure counts: publishing adds to those while an update may be writing the row.
    filter: e.filter ?? null,
  };
}

/** `prefix` reads columns selected under an alias (e.g. `ep_url`) in joined queries. */
export function rowToEndpoint(r: Row, codec: SecretCodec, prefix = ''): Endpoint {
  const c = (name: string) => r[prefix + name];
  // A value that cannot be decrypted (a damaged row) must not make the whole read fail: the
  // endpoint is still listed and can be deleted, and a claim hands out every other delivery.
  let unreadable: string[] | null = null;
  const sealed = <T>(column: string, what: string, empty: T): T => {
    const stored = c(column);
    if (stored === null || stored === undefined) return empty;
    try {
      return JSON.parse(codec.open(stored)) as T;
    } catch {
      (unreadable ??= []).push(what);
      return empty;
    }
  };
  const endpoint: Endpoint = {
    id: c('id'), appId: c('app_id'), uid: c('uid') ?? null, url: c('url'), name: c('name'), description: c('description'),
    eventTypes: parse(c('event_types')), entityTypes: parse(c('entity_types')), method: c('method'),
    payloadFormat: c('payload_format'), signature: JSON.parse(c('signature')),
    secrets: sealed('secrets', 'secret', []), headers: sealed('headers', 'headers', {}),
    query: sealed('query', 'query parameters', {}), timeoutMs: c('timeout_ms'),
    tls: sealed('tls', 'TLS settings', null),
    retrySchedule: parse(c('retry_schedule')), rateLimit: c('rate_limit'), disabled: c('disabled') === 1 || c('disabled') === true,
    ordering: c('ordering') ?? 'unordered', createdAt: c('created_at'), updatedAt: c('updated_at'),
  };
  // Only when set, so an endpoint without one reads back as it was written.
  if (c('transformation') != null) endpoint.transformation = c('transformation');
  if (c('filter') != null) {
    endpoint.filter = c('filter');
    // Counts recorded under another filter text belong to a filter this endpoint no longer has.
    const count = c('filter_errors_for') === c('filter') ? Number(c('filter_errors')) : 0;
    if (count > 0) endpoint.filterErrors = { count, lastError: c('filter_last_error'), lastErrorAt: c('filter_last_error_at') };
  }
  // Only when switched off, so an endpoint that forwards reads back as it was written.
  if (c('forward_trace_context') === 0 || c('forward_trace_context') === false) endpoint.forwardTraceContext = false;
  if (c('channels') != null) endpoint.channels = JSON.parse(c('channels'));
  if (c('metadata') != null) endpoint.metadata = JSON.parse(c('metadata'));
  if (unreadable) endpoint.unreadable = unreadableReason(unreadable);
  return endpoint;
}

function unreadableReason(what: string[]): string {
  return `cannot decrypt this endpoint's ${what.join(', ')}: the stored value is damaged or was sealed with ` +
    'another HERALD_ENCRYPTION_KEY; delete the endpoint and create it again (see docs/encryption-key.md)';
}

export function messageToRow(m: Message): Row {
  return {
    id: m.id, app_id: m.appId, event_type: m.eventType, data: m.dataJson,
    entity_type: m.entity?.type ?? null,
    // JSON-encoded so an entity id keeps its type: 25 stays a number, "25" a string.
    entity_id: m.entity ? JSON.stringify(m.entity.id) : null,
    idempotency_key: m.idempotencyKey, created_at: m.createdAt,
    request_id: m.requestId ?? null, ordering_key: m.orderingKey ?? null,
    // event_key is the unique (app, eventId) claim; cleared when its idempotency window is over, while
    // event_id (what the body carries) stays.
    event_id: m.eventId ?? null, event_time: m.eventTime ?? null, event_key: m.eventId ?? null,
    traceparent: m.traceparent ?? null, tracestate: m.tracestate ?? null,
    channels: m.channels?.length ? JSON.stringify(m.channels) : null,
    payload_expires_at: m.payloadExpiresAt ?? null,
    tags: m.tags?.length ? JSON.stringify(m.tags) : null,
    deliver_at: m.deliverAt ?? null,
  };
}

export function rowToMessage(r: Row, prefix = ''): Message {
  const message = messageFromValues(MESSAGE_COLUMNS.map((name) => r[prefix + name]));
  // Svix's tags and deliverAt (migration 25) are for API reads: not in MESSAGE_COLUMNS, which the
  // claim reads, since sending needs neither (deliverAt is in the delivery's next_attempt_at).
  if (r[`${prefix}tags`] != null) message.tags = JSON.parse(r[`${prefix}tags`] as string);
  if (r[`${prefix}deliver_at`] != null) message.deliverAt = r[`${prefix}deliver_at`] as string;
  return message;
}

/**
 * The claim reads its rows as arrays (better-sqlite3's raw mode) in these column orders: building
 * an object per row from C++ cost 1.3 µs more per row than an array (3.0 against 1.5-1.7 µs).
 */
export const MESSAGE_COLUMNS = [
  'id', 'app_id', 'event_type', 'data', 'entity_type', 'entity_id', 'idempotency_key', 'created_at', 'request_id', 'ordering_key',
  'event_id', 'event_time', 'traceparent', 'tracestate', 'channels', 'payload_expires_at',
] as const;

export function messageFromValues(v: unknown[]): Message {
  const message: Message = {
    id: v[0] as string, appId: v[1] as string, eventType: v[2] as string, dataJson: v[3] as string,
    entity: v[4] !== null ? { type: v[4] as string, id: JSON.parse(v[5] as string) } : null,
    idempotencyKey: v[6] as string | null, createdAt: v[7] as string,
    requestId: (v[8] ?? null) as string | null, orderingKey: (v[9] ?? null) as string | null,
  };
  // Only when published with them, so a message reads back exactly as it was written.
  if (v[10] != null) message.eventId = v[10] as string;
  if (v[11] != null) message.eventTime = v[11] as string;
  if (v[12] != null) message.traceparent = v[12] as string;
  if (v[13] != null) message.tracestate = v[13] as string;
  if (v[14] != null) message.channels = JSON.parse(v[14] as string);
  if (v[15] != null) message.payloadExpiresAt = v[15] as string;
  return message;
}

export function deliveryToRow(d: Delivery): Row {
  return {
    id: d.id, msg_id: d.msgId, endpoint_id: d.endpointId, app_id: d.appId, status: d.status,
    attempts: d.attempts, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt, updated_at: d.updatedAt,
    ordering_key: d.orderingKey ?? null, manual: d.manual ? 1 : 0,
  };
}

export function rowToDelivery(r: Row, prefix = ''): Delivery {
  return deliveryFromValues(DELIVERY_COLUMNS.map((name) => r[prefix + name]));
}

/** See MESSAGE_COLUMNS. */
export const DELIVERY_COLUMNS = [
  'id', 'msg_id', 'endpoint_id', 'app_id', 'status', 'attempts', 'next_attempt_at', 'created_at', 'updated_at', 'ordering_key',
] as const;

export function deliveryFromValues(v: unknown[]): Delivery {
  return {
    id: v[0] as string, msgId: v[1] as string, endpointId: v[2] as string, appId: v[3] as string, status: v[4] as Delivery['status'],
    attempts: Number(v[5]), nextAttemptAt: Number(v[6]),
    createdAt: v[7] as string, updatedAt: v[8] as string, orderingKey: (v[9] ?? null) as string | null,
  };
}

/** The attempts table's columns, in the order attemptValues gives them. */
export const ATTEMPT_COLUMNS = [
  'id', 'delivery_id', 'msg_id', 'endpoint_id', 'app_id', 'attempt', 'status', 'response_status', 'duration_ms',
  'created_at', 'request', 'response', 'error', 'request_id', 'request_body_from',
] as const;

/**
 * An attempt's column values in ATTEMPT_COLUMNS order: positional binding costs less than named on the hot path.
 * A body rendered from the message (request.bodyFrom) is not stored: request_body_from names its format and
 * the request is stored without it (migration 23), which the reads rebuild (attempt-request-bodies.ts).
 */
export function attemptValues(a: Attempt): unknown[] {
  const r = a.request;
  const request = r.bodyFrom === undefined
    ? JSON.stringify(r)
    : JSON.stringify({ method: r.method, url: r.url, headers: r.headers });
  return [
    a.id, a.deliveryId, a.msgId, a.endpointId, a.appId, a.attempt, a.status, a.responseStatus, a.durationMs,
    a.createdAt, request, json(a.response), a.error, a.requestId ?? null, r.bodyFrom ?? null,
  ];
}

export function attemptToRow(a: Attempt): Row {
  const values = attemptValues(a);
  return Object.fromEntries(ATTEMPT_COLUMNS.map((column, i) => [column, values[i]]));
}

/**
 * A row stored with request_body_from reads with `request.bodyFrom` set and a null body, until the
 * store rebuilds the body from the message (attempt-request-bodies.ts); once purged, it stays null.
 */
export function rowToAttempt(r: Row): Attempt {
  const request = JSON.parse(r.request);
  if (r.request_body_from != null) {
    request.body = null;
    if (r.purged_at == null) request.bodyFrom = r.request_body_from;
  }
  return {
    id: r.id, deliveryId: r.delivery_id, msgId: r.msg_id, endpointId: r.endpoint_id, appId: r.app_id,
    attempt: r.attempt, status: r.status, responseStatus: r.response_status, durationMs: r.duration_ms,
    createdAt: r.created_at, request, response: parse(r.response), error: r.error,
    requestId: r.request_id ?? null,
  };
}

/** `revision` is the store's to set (every write bumps it), so it is not a column written from here. */
export function eventTypeToRow(e: EventType): Row {
  return {
    name: e.name, description: e.description, group_name: e.group, data_schema: json(e.schema),
    examples: JSON.stringify(e.examples), deprecated: e.deprecated ? 1 : 0, validation: e.validation,
    archived: e.archived ? 1 : 0, created_at: e.createdAt, updated_at: e.updatedAt,
  };
}

export function rowToEventType(r: Row): EventType {
  return {
    name: r.name, description: r.description, group: r.group_name ?? null,
    schema: parse(r.data_schema ?? null), examples: parse<unknown[]>(r.examples ?? null) ?? [],
    deprecated: r.deprecated === 1 || r.deprecated === true, validation: r.validation ?? 'off',
    // Only when archived: the field is absent on every type Herald's own API writes.
    ...(Number(r.archived ?? 0) === 1 ? { archived: true } : {}),
    revision: Number(r.revision ?? 1), createdAt: r.created_at, updatedAt: r.updated_at ?? r.created_at,
  };
}

export function tokenToRow(t: ApiToken): Row {
  return {
    id: t.id, app_id: t.appId, name: t.name, kind: t.kind, token_hash: t.tokenHash, expires_at: t.expiresAt,
    created_at: t.createdAt, capabilities: json(t.capabilities), event_types: json(t.eventTypes),
    allowed_origins: json(t.allowedOrigins),
  };
}

export function rowToToken(r: Row): ApiToken {
  return {
    id: r.id, appId: r.app_id, name: r.name, kind: r.kind, tokenHash: r.token_hash,
    expiresAt: r.expires_at, createdAt: r.created_at,
    capabilities: parse(r.capabilities ?? null), eventTypes: parse(r.event_types ?? null),
    allowedOrigins: parse<string[]>(r.allowed_origins ?? null),
  };
}

export function taskToRow(t: Task): Row {
  return {
    id: t.id, app_id: t.appId, kind: t.kind, status: t.status, params: JSON.stringify(t.params), total: t.total,
    done: t.done, error: t.error, created_at: t.createdAt, updated_at: t.updatedAt,
  };
}

export function rowToTask(r: Row): Task {
  return {
    id: r.id, appId: r.app_id, kind: r.kind, status: r.status, params: JSON.parse(r.params), total: Number(r.total),
    done: Number(r.done), error: r.error, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
