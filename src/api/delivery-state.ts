import { STATUS_CODES } from 'node:http';
import type { DeliveryRecord } from '../store/insights.js';

// What a delivery looks like to the people watching it. The store keeps three statuses
// (pending, success, failed); "pending" covers both a delivery not tried yet and one that failed
// and waits for its retry, which are very different news, so the API tells them apart:
//
//   delivered  the receiver accepted it (2xx)
//   pending    waiting for its first attempt, or that attempt is in flight
//   failing    has failed attempts and will be retried at nextAttemptAt
//   exhausted  failed for good: its retry schedule is used up (or it was given up on)
//   cancelled  the endpoint's transformation chose not to send it (not a failure)

export type DeliveryState = 'delivered' | 'pending' | 'failing' | 'exhausted' | 'cancelled';

export function deliveryState(d: Pick<DeliveryRecord, 'status' | 'attempts'>): DeliveryState {
  if (d.status === 'success') return 'delivered';
  if (d.status === 'failed') return 'exhausted';
  if (d.status === 'cancelled') return 'cancelled';
  return d.attempts > 0 ? 'failing' : 'pending';
}

/**
 * The failure as a person reads it. The stored `error` is what the sender saw ("HTTP 500",
 * "timed out after 30000 ms", undici's "connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)"); the raw
 * text stays in `error` for searching logs. null for a success.
 */
export function attemptReason(a: { status: 'success' | 'failed' | 'cancelled'; responseStatus: number | null; error: string | null }): string | null {
  if (a.status === 'success') return null;
  if (a.status === 'cancelled') return a.error;
  if (a.responseStatus !== null) return httpReason(a.responseStatus);
  const error = a.error ?? '';
  const timeout = /^timed out after (\d+) ms$/.exec(error);
  if (timeout) return `timed out after ${seconds(Number(timeout[1]))}`;
  for (const [code, text] of NETWORK_CODES) if (error.includes(`(${code})`)) return `${text} (${error.replace(` (${code})`, '')})`;
  if (error.includes('(destination_blocked)')) return `destination_blocked: ${firstSentence(error.replace(' (destination_blocked)', ''))}`;
  return error || 'failed without a response';
}

function httpReason(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The blocked-destination errors end with how to lift the block; the first sentence says what happened. */
function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end === -1 ? text : text.slice(0, end);
}

/** Socket and DNS error codes (as describeError appends them) and what they mean for a receiver. */
const NETWORK_CODES: ReadonlyArray<readonly [string, string]> = [
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset by the receiver'],
  ['UND_ERR_SOCKET', 'connection closed by the receiver'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'DNS lookup failed'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ETIMEDOUT', 'connection timed out'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
];

/** One delivery in API form. */
export function deliveryJson(d: DeliveryRecord) {
  const state = deliveryState(d);
  const last = d.lastAttempt;
  return {
    id: d.id,
    msgId: d.msgId,
    endpointId: d.endpointId,
    eventType: d.eventType,
    state,
    attempts: d.attempts,
    // Only a delivery still to be sent has one.
    nextAttemptAt: state === 'pending' || state === 'failing' ? new Date(d.nextAttemptAt).toISOString() : null,
    lastAttemptAt: last?.createdAt ?? null,
    reason: last && state !== 'delivered'
      ? attemptReason({ status: state === 'cancelled' ? 'cancelled' : 'failed', responseStatus: last.responseStatus, error: last.error })
      : null,
    createdAt: d.createdAt,
  };
}

/**
 * A message's `delivery` field: the state of each endpoint's current delivery, their counts, and
 * one overall state, the one that most needs a person: exhausted, then failing, pending, delivered
 * ("none" when no endpoint was subscribed).
 */
export function deliverySummary(deliveries: DeliveryRecord[]) {
  const endpoints = deliveries.map(deliveryJson);
  const counts = { delivered: 0, pending: 0, failing: 0, exhausted: 0, cancelled: 0 };
  for (const e of endpoints) counts[e.state]++;
  const state = (['exhausted', 'failing', 'pending', 'delivered', 'cancelled'] as const).find((s) => counts[s] > 0) ?? 'none';
  return {
    state,
    counts,
    endpoints: endpoints.map(({ msgId: _m, eventType: _t, ...rest }) => rest),
  };
}

/** Groups a page's deliveries by message id. */
export function byMessage(deliveries: DeliveryRecord[]): Map<string, DeliveryRecord[]> {
  const out = new Map<string, DeliveryRecord[]>();
  for (const d of deliveries) {
    const list = out.get(d.msgId);
    if (list) list.push(d);
    else out.set(d.msgId, [d]);
  }
  return out;
}
