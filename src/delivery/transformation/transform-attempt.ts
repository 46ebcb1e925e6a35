import type { Endpoint } from '../../domain/model.js';
import type { RenderedRequest } from '../../wire/index.js';
import { runTransformation } from './run-transformation.js';
import { TransformationError } from './transformation-error.js';
import type { TransformResult } from './transform-request.js';

/** The attempt log's `error` for a delivery its transformation cancelled (status `cancelled`). */
export const CANCELLED = "cancelled by the endpoint's transformation (cancel: true)";

/**
 * One attempt's transformation. A failure of the code becomes an Error whose message says so and
 * where, and the attempt fails with it (the usual retry schedule applies).
 */
export async function transformAttempt(
  endpoint: Pick<Endpoint, 'signature'>,
  source: string,
  draft: RenderedRequest,
  eventType: string,
  now: number,
): Promise<TransformResult> {
  try {
    return await runTransformation({ source, draft, eventType, signature: endpoint.signature, now });
  } catch (err) {
    if (err instanceof TransformationError) throw new Error(`transformation failed: ${err.message}`);
    throw err;
  }
}
