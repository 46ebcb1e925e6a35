import type { Endpoint, Message } from '../domain/model.js';
import { childTraceparent, newSpanId, parseTraceparent } from '../domain/trace-context.js';
import type { RenderedRequest } from '../wire/index.js';

/**
 * Adds the W3C trace context to an attempt's request (docs/tracing.md): a `traceparent` of the same
 * trace as the one the message was published with, whose span id is new for this attempt, and the
 * publisher's `tracestate` as is. Returns that span id: with tracing on, the attempt's span is
 * recorded under it (on the main thread, see delivery-threads.ts), so the receiver's spans become
 * its children. Nothing is added when the message has no trace context or the endpoint switched
 * forwarding off.
 */
export function addTraceHeaders(request: RenderedRequest, message: Message, endpoint: Endpoint): string | undefined {
  if (!message.traceparent || endpoint.forwardTraceContext === false) return undefined;
  const parent = parseTraceparent(message.traceparent);
  if (!parent) return undefined;
  const spanId = newSpanId();
  request.headers.traceparent = childTraceparent(parent, spanId);
  if (message.tracestate) request.headers.tracestate = message.tracestate;
  else delete request.headers.tracestate;
  return spanId;
}
