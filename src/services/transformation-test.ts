import type { Endpoint, Message } from '../domain/model.js';
import { newId } from '../domain/ids.js';
import { toWireEndpoint } from '../delivery/deliver-one.js';
import { transformAttempt } from '../delivery/transformation/transform-attempt.js';
import { draftRequest, signRequest, type RenderedRequest } from '../wire/index.js';
import { checkedTransformation, prepareTransformationCheck } from './transformation-check.js';
import { HERALD_VERSION } from '../version.js';

export interface TransformationTestInput {
  /** Code to try; default: the endpoint's saved transformation. */
  transformation?: string;
  /** Default: the endpoint's first event type, else `herald.test`. */
  eventType?: string;
  /** The message's data; default: the event type's catalogue example. */
  data?: unknown;
}

export interface TransformationTestResult {
  /** `sent`: what would be sent; `cancelled`: the handler set cancel; `failed`: the code failed (see error). */
  outcome: 'sent' | 'cancelled' | 'failed';
  /** The request as the endpoint would send it: before the transformation, and after (signed). */
  before: RenderedRequest;
  after: RenderedRequest | null;
  error: string | null;
}

/**
 * "Run against this example" (dashboard and portal editors): the request an endpoint would send
 * for an example message, through a transformation, without sending anything or storing a message.
 * Code that does not compile is refused as on save (invalid_transformation).
 */
export async function testTransformation(
  endpoint: Endpoint,
  input: TransformationTestInput,
  examples: { exampleOf(eventType: string): Promise<unknown> },
): Promise<TransformationTestResult> {
  const source = input.transformation ?? endpoint.transformation ?? '';
  await prepareTransformationCheck({ transformation: source });
  const checked = checkedTransformation(source);
  const eventType = input.eventType ?? endpoint.eventTypes?.[0] ?? 'herald.test';
  const data = input.data !== undefined ? input.data : ((await examples.exampleOf(eventType)) ?? { example: true });
  const now = Date.now();
  const message: Message = {
    id: newId('msg'), appId: endpoint.appId, eventType, dataJson: JSON.stringify(data),
    entity: { type: 'HeraldTest', id: 1 }, idempotencyKey: null, createdAt: new Date(now).toISOString(),
  };
  const wire = toWireEndpoint(endpoint, now);
  const opts = { timestamp: Math.floor(now / 1000), userAgent: `Herald/${HERALD_VERSION}` };
  let before: RenderedRequest = { method: endpoint.method, url: endpoint.url, headers: {}, body: undefined };
  try {
    before = draftRequest(message, wire, opts);
    if (!checked) return { outcome: 'sent', before, after: signRequest(before, message, wire, opts), error: null };
    const result = await transformAttempt(endpoint, checked, before, eventType, now);
    if (result.cancel) return { outcome: 'cancelled', before, after: null, error: null };
    return { outcome: 'sent', before, after: signRequest(result.request, message, wire, opts), error: null };
  } catch (err) {
    // The same words a real attempt's log would have (deliver-one.ts).
    return { outcome: 'failed', before, after: null, error: `request not sent: ${(err as Error).message}` };
  }
}
