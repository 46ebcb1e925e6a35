import type { Attempt, Message } from '../../domain/model.js';
import { RawJson } from '../../wire/raw-json-text.js';
import { toSvixId } from './svix-wire.js';

// Herald's messages and attempts as Svix's SDKs read them (MessageOut, MessageAttemptOut): every
// field their types mark required is always sent.

/** What Svix's server answers for a payload its retention removed. */
const EXPIRED_PAYLOAD = { expired: true };

/** `withContent` false: an empty payload, as Svix answers (its SDK fills in what it sent). */
export function svixMessageJson(msg: Message, withContent = true) {
  return {
    id: msg.id,
    eventType: msg.eventType,
    eventId: msg.eventId ?? null,
    // The stored text as published, spliced in by the reply serializer (never re-serialised). A Svix
    // payload is always an object, so JSON null is the mark of retention's purge (retention-queries.ts).
    payload: (withContent ? (msg.dataJson === 'null' ? EXPIRED_PAYLOAD : new RawJson(msg.dataJson)) : {}) as unknown,
    channels: msg.channels && msg.channels.length > 0 ? msg.channels : null,
    tags: msg.tags && msg.tags.length > 0 ? msg.tags : null,
    deliverAt: msg.deliverAt ?? null,
    timestamp: msg.createdAt,
  };
}

/** Svix's MessageStatus: 0 success, 1 pending, 2 fail, 3 sending, 4 canceled. */
export const SVIX_STATUS = { success: 0, failed: 2, cancelled: 4 } as const;
const STATUS_TEXT = { success: 'success', failed: 'fail', cancelled: 'canceled' } as const;

/** An attempt; `message` is included when the caller asked for it (`with_msg`). */
export function svixAttemptJson(a: Attempt, withContent = true, message?: Message) {
  return {
    id: toSvixId(a.id),
    msgId: a.msgId,
    endpointId: a.endpointId,
    // The URL this attempt called (query parameters included), as Svix records it.
    url: a.request.url,
    response: withContent ? (a.response?.body ?? a.error ?? '') : '',
    responseStatusCode: a.responseStatus ?? 0,
    responseDurationMs: a.durationMs,
    status: SVIX_STATUS[a.status],
    statusText: STATUS_TEXT[a.status],
    timestamp: a.createdAt,
    // Svix's MessageAttemptTriggerType: 1 (manual) for a resend or a recovery, 0 (scheduled) otherwise.
    triggerType: a.manual ? 1 : 0,
    ...(message ? { msg: svixMessageJson(message, withContent) } : {}),
  };
}
