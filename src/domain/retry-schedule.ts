// The retry policy ("Delivery semantics" in the wire format reference in docs/) in one place:
// which delay follows which failure, how jitter spreads a thundering herd, and how a receiver's
// Retry-After is honoured.

/** Delays before each attempt after the first, in ms: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export const JITTER_FRACTION = 0.2;

export interface RetryDecision {
  /** ms from now until the next attempt, or null when the schedule is exhausted. */
  delayMs: number | null;
}

/**
 * @param attemptsMade attempts already made, including the one that just failed (>= 1)
 * @param retryAfterMs a receiver's Retry-After (429/503), honoured but capped at the schedule's largest step
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): RetryDecision {
  const step = schedule[attemptsMade - 1];
  if (step === undefined) return { delayMs: null };
  const jittered = step * (1 + (random() * 2 - 1) * JITTER_FRACTION);
  let delay = Math.max(0, Math.round(jittered));
  if (retryAfterMs !== null && retryAfterMs > delay) {
    delay = Math.min(retryAfterMs, Math.max(...schedule));
  }
  return { delayMs: delay };
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
