import { nextRetryDelay, parseRetryAfter } from '../domain/retry-schedule.js';
import type { SettleOutcome } from '../store/store.js';

export interface SendResult {
  /** null when no HTTP response arrived (connect error, timeout, blocked destination). */
  status: number | null;
  headers: Record<string, string>;
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** What an attempt's result means for its delivery, per the wire format reference in docs/, "Delivery semantics". */
export function decideOutcome(
  result: SendResult,
  attemptsMade: number,
  schedule: readonly number[],
  now: number,
): SettleOutcome {
  const status = result.status;
  if (status !== null && status >= 200 && status < 300) return { kind: 'success' };
  // 410 Gone: the receiver tells us the endpoint no longer exists. Retrying would be noise.
  if (status === 410) return { kind: 'failed', disableEndpoint: true };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(result.headers['retry-after'], now) : null;
  const { delayMs } = nextRetryDelay(schedule, attemptsMade, retryAfter);
  if (delayMs === null) return { kind: 'failed', disableEndpoint: false };
  return { kind: 'retry', nextAttemptAt: now + delayMs };
}
