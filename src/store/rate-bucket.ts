// Per-endpoint rate limits are token buckets kept in the store (table `endpoint_gates`), so one
// limit holds across every process that claims from it. A bucket refills at `rateLimit` tokens per
// second; a claim takes one token per delivery and never more than the whole tokens available, so
// deliveries over the limit simply stay pending. Both stores use these numbers (PostgreSQL repeats
// the formula in SQL, where it must run atomically with the claim).

/**
 * A bucket holds one second of requests (at least one), the usual token bucket: a limit of 50/s
 * may send 50 at once after a quiet spell, and averages 50/s under a backlog. A smaller bucket
 * (100 ms was tried) loses the tokens of any pause longer than itself: workers busy with other
 * endpoints on a loaded machine claimed too rarely and a 50/s limit delivered only 34-45/s.
 */
export const RATE_BURST_SECONDS = 1;

export function rateBurst(rateLimit: number): number {
  return Math.max(1, rateLimit * RATE_BURST_SECONDS);
}

/**
 * Tokens in a bucket at `now`. A missing bucket is full. Clocks of different processes may
 * disagree a little, so time never runs backwards here (a negative elapsed refills nothing).
 */
export function availableTokens(rateLimit: number, bucket: { tokens: number; refilledAt: number } | null, now: number): number {
  const burst = rateBurst(rateLimit);
  if (!bucket) return burst;
  return Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.refilledAt) * rateLimit) / 1000);
}
