import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BacklogStats, Settlement, Store } from '../store/store.js';

/** How many endpoints' failure streaks are exported: a bounded label set, whatever the tenant count. */
const WORST_ENDPOINTS = 10;

export interface HeraldMetrics {
  registry: Registry;
  messageAccepted(count: number): void;
  /** Payload filters that failed on a message (counted as no match; each endpoint shows its own). */
  filterErrors(count: number): void;
  attemptFinished(settlement: Settlement): void;
}

/**
 * Prometheus metrics for one process. Counters move as work happens; backlog gauges are read from
 * the store at scrape time, so they are true for the whole cluster, not just this process.
 */
export function createMetrics(store: Store, inFlight: () => number): HeraldMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });

  const accepted = new Counter({ name: 'herald_messages_accepted_total', help: 'Messages accepted (202) by the API', registers: [registry] });
  // No endpoint label: tenants' endpoints are unbounded; the endpoint itself shows its count and last error.
  const filterErrors = new Counter({
    name: 'herald_filter_errors_total',
    help: 'Endpoint payload filters (CEL) that failed on a published message, each counted as no match',
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'herald_delivery_attempts_total',
    help: 'Delivery attempts by outcome (success, retry, failed) and HTTP status class (2xx…5xx, or error when no response came)',
    labelNames: ['outcome', 'status_class'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'herald_attempt_duration_seconds',
    help: 'Time from sending a request to receiving the whole (capped) response',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const streaks = new Map<string, number>();
  new Gauge({
    name: 'herald_endpoint_failure_streak',
    help: `Consecutive failed attempts of the ${WORST_ENDPOINTS} worst endpoints seen by this process`,
    labelNames: ['endpoint_id'],
    registers: [registry],
    collect() {
      this.reset();
      const worst = [...streaks.entries()].sort((a, b) => b[1] - a[1]).slice(0, WORST_ENDPOINTS);
      for (const [endpointId, streak] of worst) this.set({ endpoint_id: endpointId }, streak);
    },
  });
  new Gauge({
    name: 'herald_dispatcher_in_flight',
    help: 'Requests this process has in flight',
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  // Both backlog gauges come from one query per scrape; each gauge's collect awaits the same read.
  let backlog: { at: number; stats: Promise<BacklogStats> } | null = null;
  const readBacklog = () => {
    const now = Date.now();
    if (!backlog || now - backlog.at > 500) backlog = { at: now, stats: store.backlogStats(now) };
    return backlog.stats;
  };
  new Gauge({
    name: 'herald_pending_deliveries',
    help: 'Deliveries waiting to be (re)attempted',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).pending);
    },
  });
  new Gauge({
    name: 'herald_oldest_due_delivery_age_seconds',
    // Claimed or not (see BacklogStats.oldestDueAt): a delivery stuck in flight, or whose claimer
    // vanished, keeps ageing here, so the lag alert fires for work that is not getting sent.
    help: 'How long the oldest due delivery has been waiting, claimed or not (0 when none is due): the lag to alert on',
    registers: [registry],
    async collect() {
      const { oldestDueAt } = await readBacklog();
      this.set(oldestDueAt === null ? 0 : Math.max(0, (Date.now() - oldestDueAt) / 1000));
    },
  });

  return {
    registry,
    messageAccepted: (count) => accepted.inc(count),
    filterErrors: (count) => filterErrors.inc(count),
    attemptFinished(s) {
      const status = s.attempt.responseStatus;
      const statusClass = status === null ? 'error' : `${Math.floor(status / 100)}xx`;
      deliveries.inc({ outcome: s.outcome.kind, status_class: statusClass });
      latency.observe({ outcome: s.outcome.kind }, s.attempt.durationMs / 1000);
      const endpointId = s.attempt.endpointId;
      if (s.outcome.kind === 'success') streaks.delete(endpointId);
      else streaks.set(endpointId, (streaks.get(endpointId) ?? 0) + 1);
    },
  };
}
