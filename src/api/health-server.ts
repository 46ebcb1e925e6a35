import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

/**
 * The only HTTP a `herald worker` serves (and only with --health-port): liveness and readiness
 * for an orchestrator, with the same answers as the API server's routes of the same names.
 */
export function buildHealthServer(store: Store, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await store.ping();
      return { status: 'ok' };
    } catch (err) {
      return reply.status(503).send({ code: 'not_ready', message: `store unreachable: ${(err as Error).message}` });
    }
  });
  return app;
}
