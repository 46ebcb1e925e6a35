import { formatIsoDuration } from '../domain/durations.js';
import type { App, Attempt, Endpoint, Message } from '../domain/model.js';
import type { PublishResult } from '../store/store.js';
import { RawJson } from '../wire/raw-json-text.js';
import { attemptReason } from './delivery-state.js';

// The JSON the API answers with. Secrets never appear here: only the create response,
// GET .../secret and the rotate response carry one, explicitly.

export function appJson(app: App) {
  return {
    id: app.id,
    uid: app.uid,
    name: app.name,
    retrySchedule: app.retrySchedule?.map(formatIsoDuration) ?? null,
    allowedOrigins: app.allowedOrigins,
    requireHttps: app.requireHttps ?? false,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

export function endpointJson(ep: Endpoint) {
  return {
    id: ep.id,
    appId: ep.appId,
    // Set only for endpoints declared in a config file: edits through the API are overwritten at the next start.
    uid: ep.uid ?? null,
    url: ep.url,
    name: ep.name,
    description: ep.description,
    eventTypes: ep.eventTypes ?? [],
    entityTypes: ep.entityTypes ?? [],
    method: ep.method,
    payloadFormat: ep.payloadFormat,
    signature: ep.signature,
    headers: ep.headers,
    query: ep.query,
    timeout: formatIsoDuration(ep.timeoutMs),
    // Key material is write-only; what is configured is still visible, and skipped verification is echoed loudly.
    tls: ep.tls
      ? {
          ca: ep.tls.ca ?? null,
          cert: ep.tls.cert ?? null,
          hasKey: Boolean(ep.tls.key),
          insecureSkipVerify: ep.tls.insecureSkipVerify ?? false,
        }
      : null,
    retrySchedule: ep.retrySchedule?.map(formatIsoDuration) ?? null,
    rateLimit: ep.rateLimit,
    disabled: ep.disabled,
    ordering: ep.ordering ?? 'unordered',
    transformation: ep.transformation ?? null,
    filter: ep.filter ?? null,
    /** The current filter's failures on messages (each counted as no match): how many, and the last one. */
    filterErrors: ep.filterErrors ?? { count: 0, lastError: null, lastErrorAt: null },
    forwardTraceContext: ep.forwardTraceContext ?? true,
    channels: ep.channels ?? [],
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}

// Single-argument on purpose: it is passed straight to Array.map.
export function messageJson(msg: Message) {
  return {
    id: msg.id,
    appId: msg.appId,
    eventType: msg.eventType,
    // The stored text as published, spliced in by the reply serializer: parsing and re-serialising
    // it would change big integers, 1.0, escapes and spacing. Typed as the JSON value it is.
    data: new RawJson(msg.dataJson) as unknown,
    entity: msg.entity,
    idempotencyKey: msg.idempotencyKey,
    // The publisher's own event id and time (null when not given); bodies carry them, webhook-id stays `id`.
    eventId: msg.eventId ?? null,
    timestamp: msg.eventTime ?? null,
    channels: msg.channels ?? [],
    tags: msg.tags ?? [],
    // When its deliveries are sent, if it was published with deliverAt; null: at once.
    deliverAt: msg.deliverAt ?? null,
    // When its own retention purges its payload (published with retentionHours); null: the server-wide retention.
    payloadExpiresAt: msg.payloadExpiresAt ?? null,
    createdAt: msg.createdAt,
  };
}

/**
 * The 202 answer to a publish: the message as stored, so a repeat (same idempotency key) shows the
 * message and data text stored the first time.
 */
export function publishedJson(result: PublishResult) {
  return {
    ...messageJson(result.message),
    deliveries: result.created ? result.deliveryCount : undefined,
    duplicate: !result.created,
  };
}

export function attemptJson(a: Attempt) {
  return {
    id: a.id,
    msgId: a.msgId,
    endpointId: a.endpointId,
    deliveryId: a.deliveryId,
    attempt: a.attempt,
    status: a.status,
    responseStatus: a.responseStatus,
    durationMs: a.durationMs,
    createdAt: a.createdAt,
    request: a.request,
    response: a.response,
    error: a.error,
    // `error` is what the sender saw; `reason` says it for people ("HTTP 500 Internal Server Error").
    reason: attemptReason(a),
    // The publish request's id: find it in Herald's logs (and the caller's) to follow one message end to end.
    requestId: a.requestId ?? null,
  };
}
