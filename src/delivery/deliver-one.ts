import type { Dispatcher } from 'undici';
import { newId } from '../domain/ids.js';
import type { Attempt, Endpoint } from '../domain/model.js';
import type { ClaimedDelivery, Settlement, SettleOutcome } from '../store/store.js';
import { draftRequest, renderRequest, signRequest, type RenderedRequest, type WireEndpoint } from '../wire/index.js';
import { decideOutcome, type SendResult } from './attempt-outcome.js';
import { MAX_RECORDED_BODY, sendRequest, type InFlightRequests } from './http-sender.js';
import { addTraceHeaders } from './trace-header.js';
import { CANCELLED, transformAttempt } from './transformation/transform-attempt.js';

export interface DeliveryContext {
  userAgent: string;
  defaultRetrySchedule: readonly number[];
  dispatcherFor(endpoint: Endpoint): Dispatcher;
}

/**
 * What one attempt came to; the delivery loop adds its lease token to make it a Settlement.
 * `startedAt` (epoch ms) and `traceSpanId` (the span id sent in `traceparent`) are for tracing.
 */
export type AttemptResult = Omit<Settlement, 'leaseToken'> & { startedAt?: number; traceSpanId?: string };

/** Secrets still valid now: the current one first, then old ones inside their rotation grace period. */
export function activeSecrets(endpoint: Endpoint, now: number): string[] {
  return endpoint.secrets
    .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now)
    .map((s) => s.secret);
}

export function toWireEndpoint(endpoint: Endpoint, now: number): WireEndpoint {
  return {
    url: endpoint.url,
    method: endpoint.method,
    payloadFormat: endpoint.payloadFormat,
    signature: endpoint.signature,
    secrets: activeSecrets(endpoint, now),
    headers: endpoint.headers,
    query: endpoint.query,
  };
}

/** Renders, signs and sends one delivery; never throws: every failure becomes a recorded attempt. */
export async function deliverOne(
  claimed: ClaimedDelivery,
  ctx: DeliveryContext,
  inFlight?: InFlightRequests,
): Promise<AttemptResult> {
  const { delivery, message, endpoint } = claimed;
  const startedAt = Date.now();
  let request: RenderedRequest | null = null;
  let result: SendResult;
  let traceSpanId: string | undefined;
  let cancelled = false;
  // Set when the body sent is the message rendered in the endpoint's format (no transformation):
  // the attempt then records the format instead of the body, which is the message already.
  let bodyFrom: Endpoint['payloadFormat'] | undefined;
  try {
    // A damaged row (a value that cannot be decrypted): this endpoint's deliveries fail with the
    // reason, on the usual retry schedule, and every other delivery of the claim goes ahead.
    if (endpoint.unreadable) throw new Error(endpoint.unreadable);
    const wire = toWireEndpoint(endpoint, startedAt);
    const opts = { timestamp: Math.floor(startedAt / 1000), userAgent: ctx.userAgent };
    if (endpoint.transformation) {
      // Only endpoints with a transformation take this path (and load the sandbox).
      request = draftRequest(message, wire, opts);
      const transformed = await transformAttempt(endpoint, endpoint.transformation, request, message.eventType, startedAt);
      request = transformed.request;
      cancelled = transformed.cancel;
      if (!cancelled) request = signRequest(request, message, wire, opts);
    } else {
      request = renderRequest(message, wire, opts);
      bodyFrom = request.body === undefined ? undefined : endpoint.payloadFormat;
    }
    if (!cancelled) traceSpanId = addTraceHeaders(request, message, endpoint);
    result = cancelled
      ? { status: null, headers: {}, body: null, error: CANCELLED, durationMs: Date.now() - startedAt }
      : await sendRequest(request, ctx.dispatcherFor(endpoint), endpoint.timeoutMs, inFlight);
  } catch (err) {
    // A request that cannot be built (e.g. the endpoint lost its secret) is a failed attempt the
    // user can see and fix, and is retried on the usual schedule rather than crashing the loop.
    // A transformation that failed keeps the request it was given in the attempt log.
    request ??= { method: endpoint.method, url: endpoint.url, headers: {}, body: undefined };
    result = { status: null, headers: {}, body: null, error: `request not sent: ${(err as Error).message}`, durationMs: 0 };
  }
  const now = Date.now();
  const attemptNumber = delivery.attempts + 1;
  const schedule = endpoint.retrySchedule ?? claimed.appRetrySchedule ?? ctx.defaultRetrySchedule;
  const outcome: SettleOutcome = cancelled ? { kind: 'cancelled' } : decideOutcome(result, attemptNumber, schedule, now);
  const attempt: Attempt = {
    id: newId('atm'),
    deliveryId: delivery.id,
    msgId: message.id,
    endpointId: endpoint.id,
    appId: delivery.appId,
    attempt: attemptNumber,
    status: outcome.kind === 'success' || outcome.kind === 'cancelled' ? outcome.kind : 'failed',
    responseStatus: result.status,
    durationMs: result.durationMs,
    createdAt: new Date(now).toISOString(),
    request: bodyFrom !== undefined
      ? { method: request.method, url: request.url, headers: request.headers, body: null, bodyFrom }
      : {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body === undefined ? null : request.body.slice(0, MAX_RECORDED_BODY),
      },
    response: result.status === null ? null : { headers: result.headers, body: result.body },
    error: result.error ?? (outcome.kind === 'success' ? null : `HTTP ${result.status}`),
    requestId: message.requestId ?? null,
  };
  return { deliveryId: delivery.id, attempt, outcome, now, startedAt, traceSpanId };
}
