import type { Attempt } from '../domain/model.js';
import type { HourlyAttemptStats } from '../store/insights.js';
import type { Store } from '../store/store.js';

const HOUR_MS = 3_600_000;
export const STATS_HOURS = 24;
/** Without the store's aggregate, at most this many recent attempts are read and counted in memory. */
const FALLBACK_MAX_ATTEMPTS = 10_000;

export interface StatsBucket {
  start: string;
  attempts: number;
  successes: number;
  failures: number;
  /** null when the hour had no attempt (no data, rather than 0 %). */
  successRate: number | null;
  avgLatencyMs: number | null;
  maxLatencyMs: number | null;
}

export interface EndpointStats {
  since: string;
  until: string;
  bucket: 'PT1H';
  buckets: StatsBucket[];
  totals: Omit<StatsBucket, 'start' | 'maxLatencyMs'>;
  /** True when the fallback stopped at FALLBACK_MAX_ATTEMPTS: older hours are undercounted. */
  truncated: boolean;
}

/**
 * Success rate and latency of one endpoint over the last 24 hours, one bucket per UTC hour
 * (the current, partial hour last). Hours without attempts are present with nulls, so a chart
 * draws gaps instead of guessing.
 */
export async function endpointStats(store: Store, appId: string, endpointId: string, now = Date.now()): Promise<EndpointStats> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (STATS_HOURS - 1) * HOUR_MS;
  const since = new Date(firstHour).toISOString();
  const { rows, truncated } = store.hourlyAttemptStats
    ? { rows: await store.hourlyAttemptStats(appId, endpointId, since), truncated: false }
    : await countFromAttemptList(store, appId, endpointId, since);

  const byHour = new Map(rows.map((r) => [Date.parse(r.hour), r]));
  const buckets = Array.from({ length: STATS_HOURS }, (_, i) => {
    const start = firstHour + i * HOUR_MS;
    return toBucket(new Date(start).toISOString(), byHour.get(start));
  });
  const sum = rows.reduce(
    (acc, r) => ({ attempts: acc.attempts + r.attempts, successes: acc.successes + r.successes, totalDurationMs: acc.totalDurationMs + r.totalDurationMs }),
    { attempts: 0, successes: 0, totalDurationMs: 0 },
  );
  const { start: _s, maxLatencyMs: _m, ...totals } = toBucket(since, { hour: since, maxDurationMs: 0, ...sum });
  return { since, until: new Date(now).toISOString(), bucket: 'PT1H', buckets, totals, truncated };
}

function toBucket(start: string, row: HourlyAttemptStats | undefined): StatsBucket {
  if (!row || row.attempts === 0) {
    return { start, attempts: 0, successes: 0, failures: 0, successRate: null, avgLatencyMs: null, maxLatencyMs: null };
  }
  return {
    start,
    attempts: row.attempts,
    successes: row.successes,
    failures: row.attempts - row.successes,
    successRate: row.successes / row.attempts,
    avgLatencyMs: Math.round(row.totalDurationMs / row.attempts),
    maxLatencyMs: row.maxDurationMs,
  };
}

/** For stores without the aggregate: walks the endpoint's attempts, newest first, back to `since`. */
async function countFromAttemptList(store: Store, appId: string, endpointId: string, since: string) {
  const attempts: Attempt[] = [];
  let iterator: string | undefined;
  for (;;) {
    const page = await store.listAttemptsForEndpoint(appId, endpointId, { limit: 250, iterator });
    const recent = page.data.filter((a) => a.createdAt >= since);
    attempts.push(...recent);
    if (recent.length < page.data.length || page.done || !page.iterator) return { rows: hourly(attempts), truncated: false };
    if (attempts.length >= FALLBACK_MAX_ATTEMPTS) return { rows: hourly(attempts), truncated: true };
    iterator = page.iterator;
  }
}

export function hourly(attempts: Attempt[]): HourlyAttemptStats[] {
  const hours = new Map<string, HourlyAttemptStats>();
  for (const a of attempts) {
    const hour = `${a.createdAt.slice(0, 13)}:00:00.000Z`;
    const h = hours.get(hour) ?? { hour, attempts: 0, successes: 0, totalDurationMs: 0, maxDurationMs: 0 };
    h.attempts++;
    if (a.status === 'success') h.successes++;
    h.totalDurationMs += a.durationMs;
    h.maxDurationMs = Math.max(h.maxDurationMs, a.durationMs);
    hours.set(hour, h);
  }
  return [...hours.values()];
}
