import type { HourlyAttemptStats } from '../store/insights.js';
import type { Store } from '../store/store.js';

const HOUR_MS = 3_600_000;
export const STATS_HOURS = 24;

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
  /**
   * Always false: every store now counts in the database. A fallback that scanned at most 10,000
   * attempts used to set it; kept so that clients reading it keep working.
   */
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
  const rows = await store.hourlyAttemptStats(appId, endpointId, since);

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
  return { since, until: new Date(now).toISOString(), bucket: 'PT1H', buckets, totals, truncated: false };
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
