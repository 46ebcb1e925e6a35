import type { FastifyInstance } from 'fastify';
import type { HeraldMetrics } from '../../observability/metrics.js';

/** Prometheus scrape target. Like /healthz it needs no token: it names endpoint ids, never data or secrets. */
export function metricsRoute(app: FastifyInstance, metrics: HeraldMetrics): void {
  app.get('/metrics', { schema: { hide: true } as object }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
