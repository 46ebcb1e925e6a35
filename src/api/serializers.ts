import { formatIsoDuration } from '../domain/durations.js';
import type { App, Attempt, Endpoint, Message } from '../domain/model.js';
import type { PublishResult } from '../store/store.js';

// The JSON the API answers with. Secrets never appear here: only the create response,
// GET .../secret and the rotate response carry one, explicitly.

export function appJson(app: App) {
  return {
    id: app.id,
    uid: app.uid,
    name: app.name,
    retrySchedule: app.retrySchedule?.map(formatIsoDuration) ?? null,
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
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}

// Single-argument on purpose: it is passed straight to Array.map.
export function messageJson(msg: Message) {
  return messageWithData(msg, JSON.parse(msg.dataJson));
}

/** `data` is what `dataJson` was serialised from, when the caller already holds it. */
function messageWithData(msg: Message, data: unknown) {
  return {
    id: msg.id,
    appId: msg.appId,
    eventType: msg.eventType,
    data,
    entity: msg.entity,
    idempotencyKey: msg.idempotencyKey,
    createdAt: msg.createdAt,
  };
}

/**
 * The 202 answer to a publish. A new message echoes the data it was sent, which its stored JSON was
 * serialised from, instead of parsing that JSON back on every publish; a repeat (same idempotency
 * key) shows the message that was stored the first time.
 */
export function publishedJson(result: PublishResult, sentData: unknown) {
  return {
    ...(result.created ? messageWithData(result.message, sentData) : messageJson(result.message)),
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
    // The publish request's id: find it in Herald's logs (and the caller's) to follow one message end to end.
    requestId: a.requestId ?? null,
  };
}
