import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from './observability/logger.js';
import { buildServer } from './api/build-server.js';
import { buildHealthServer } from './api/health-server.js';
import { closeServerWithin } from './api/close-server.js';
import { resolveAdminToken, type AdminTokenSource } from './config/admin-token.js';
import type { ServerConfig } from './config/options.js';
import { databaseLocation } from './config/resolve-config.js';
import { InProcessDeliverer, type DelivererOptions } from './delivery/deliverer.js';
import { DeliveryThreads } from './delivery/delivery-threads.js';
import { DeliveryLoop } from './delivery/delivery-loop.js';
import type { NetworkPolicy } from './delivery/network-guard.js';
import { AppService } from './services/app-service.js';
import { applyConfigFile } from './services/apply-config-file.js';
import { EndpointService } from './services/endpoint-service.js';
import { EventCatalogue } from './services/event-catalogue.js';
import { PublishValidator } from './services/event-catalogue-validator.js';
import { MessageService } from './services/message-service.js';
import { TokenService } from './services/token-service.js';
import { OperatorTokenService } from './services/operator-tokens.js';
import { AuditLog } from './services/audit-log.js';
import { BrandingService } from './services/branding-service.js';
import { loadBrandDefaults } from './services/branding-defaults.js';
import { openStore } from './store/open-store.js';
import { DeferredCodec } from './security/deferred-codec.js';
import { ProcessPresence } from './security/process-presence.js';
import { unlockStore } from './security/unlock-store.js';
import type { Store } from './store/store.js';
import { HERALD_VERSION } from './version.js';
import { createMetrics } from './observability/metrics.js';
import { startTracing } from './observability/tracing.js';
import { leaderGauge } from './observability/leader-gauge.js';
import { metricsRoute } from './api/routes/metrics.js';
import { createOperations, type Operations } from './services/operations.js';

export interface RunningHerald {
  url: string;
  adminToken: AdminTokenSource;
  store: Store;
  /** Null in a process that does not deliver (`serve --no-dispatcher`). */
  deliveryLoop: DeliveryLoop | null;
  server: FastifyInstance;
  logger: Logger;
  /** Failure streaks, operational events, bulk recovery, retention. */
  operations: Operations;
  close(): Promise<void>;
}

/** What this process does: `herald serve` (API, and deliveries unless --no-dispatcher) or `herald worker`. */
export interface HeraldRole {
  /** false (worker): deliveries only; the HTTP server answers /healthz and /readyz and nothing else. */
  api: boolean;
  /** false: open no port at all (a worker without --health-port). */
  listen?: boolean;
}

/** The composition root: config → store → delivery loop → API. Nothing else wires parts together. */
export async function startHerald(config: ServerConfig, logger?: Logger, role: HeraldRole = { api: true }): Promise<RunningHerald> {
  const log = logger ?? createLogger(config.logLevel);
  const adminToken = resolveAdminToken(config.adminToken, config.dataDir);
  const policy: NetworkPolicy = {
    allowPrivateNetworks: config.allowPrivateNetworks,
    allowedNetworks: config.allowedNetworks,
  };

  // Endpoint secrets, TLS settings, headers and query parameters are sealed with AES-256-GCM before
  // they reach the database. The key is checked against the database's record of it once the store
  // is open: a process with another key (or none, for a database that has one) refuses to start.
  // Read before the store opens: a bad --brand-logo file stops the start before anything else runs.
  // A worker serves no portal: it has no branding to load.
  const brandDefaults = role.api ? loadBrandDefaults(config) : null;
  const codec = new DeferredCodec();
  const store = await openStore(databaseLocation(config), { codec, logger: log.child({ component: 'store' }) });
  let presence: ProcessPresence | null = null;
  try {
    presence = await ProcessPresence.register(store, processRole(config, role), log.child({ component: 'presence' }));
    const unlocked = await unlockStore(store, { configured: config.encryptionKey, dataDir: config.dataDir });
    codec.use(unlocked.box);
    if (unlocked.origin === 'generated') log.info({ path: unlocked.path }, 'generated the encryption key for this new database');
  } catch (err) {
    await presence?.stop();
    await store.close();
    throw err;
  }
  if (store.capabilities.singleProcess) {
    // Only this process uses the file, so any lease still held belongs to a process that died.
    const released = await store.releaseAllLeases(Date.now());
    if (released > 0) log.warn({ released }, 'resuming deliveries left in flight by the previous run');
  }

  const apps = new AppService(store);
  // Publishes are checked against `validation: "reject"` event types' schemas, compiled once per revision.
  const publishValidator = new PublishValidator(store);
  const eventTypes = new EventCatalogue(store, publishValidator);
  // Failure streaks, operational events, bulk recovery and retention (src/services/operations.ts).
  const ops = createOperations(store, config, log.child({ component: 'operations' }));
  const endpoints = new EndpointService(store, policy, log.child({ component: 'endpoints' }), {
    requireHttps: config.requireHttps,
    onToggle: (before, after) => ops.health.toggled(before, after),
  });
  if (config.configFile) {
    // Before the API listens, so declared endpoints exist before the first message can be published.
    await applyConfigFile(config.configFile, { store, apps, endpoints }, log.child({ component: 'config-file' })).catch(
      async (err: unknown) => {
        await presence.stop();
        await store.close();
        throw err;
      },
    );
  }

  // OpenTelemetry, when the OTEL_* environment configures it; otherwise nothing is loaded (docs/tracing.md).
  const tracing = await startTracing(process.env, HERALD_VERSION, log.child({ component: 'tracing' }));
  // Read lazily: the gauge is collected at scrape time, after the delivery loop exists.
  const metrics = createMetrics(store, () => deliveryLoop?.inFlightCount ?? 0);
  // Where requests are sent from: only a process that delivers needs one.
  const deliverer = config.dispatcher || !role.api ? createDeliverer(config, policy, log) : null;
  const deliveryLoop = deliverer
    ? new DeliveryLoop({
        store,
        deliverer,
        logger: log.child({ component: 'dispatcher' }),
        limits: {
          batchSize: config.batchSize,
          maxInFlight: config.maxInFlight,
          perEndpointConcurrency: config.endpointConcurrency,
          // One process owns a SQLite file: it may lease an endpoint a second round of deliveries,
          // which wait in the deliverer for a slot (endpoint-slots.ts). Not with a shared store,
          // whose concurrency counts every process's leases.
          perEndpointQueue: store.capabilities.singleProcess ? config.endpointConcurrency : 0,
          pollIntervalMs: config.pollInterval,
          leaseMarginMs: config.leaseMargin,
          shutdownGraceMs: config.shutdownGrace,
        },
        observer: {
          attemptFinished: tracing.enabled
            ? (settlement, claimed) => { metrics.attemptFinished(settlement); tracing.attempt({ settlement, claimed }); }
            : (settlement) => metrics.attemptFinished(settlement),
          settled: (batch) => ops.health.settled(batch),
        },
        tracing,
      })
    : null;

  const messages = new MessageService(
    store,
    { newWork: () => deliveryLoop?.wake(), handOff: () => deliveryLoop?.offerHandOff() ?? null, accepted: (n) => metrics.messageAccepted(n), filterErrors: (n) => metrics.filterErrors(n) },
    publishValidator, eventTypes, tracing,
  );
  let listeningUrl = '';
  const server = !role.api ? buildHealthServer(store, log) : await buildServer(
    {
      store,
      apps,
      endpoints,
      messages,
      eventTypes,
      recovery: ops.recovery,
    },
    {
      logger: log,
      adminToken: adminToken.token,
      bodyLimit: config.bodyLimit,
      version: HERALD_VERSION,
      tokens: new TokenService(store),
      publicUrl: () => config.publicUrl?.replace(/\/+$/, '') ?? listeningUrl,
      tokenRateLimit: config.tokenRateLimit,
      adminRateLimit: config.adminRateLimit,
      // Loaded above whenever role.api, the only case that reaches this call.
      branding: new BrandingService(store, brandDefaults!),
      operatorTokens: new OperatorTokenService(store),
      // Publish calls' entries ride on the next publish transaction (publish-queue.ts).
      audit: new AuditLog(store, log.child({ component: 'audit' }), config.auditPublishes, undefined, messages),
    },
  );
  metricsRoute(server, metrics);
  if (role.listen !== false) await server.listen({ host: config.host, port: config.port });
  deliveryLoop?.start();
  await ops.start(deliveryLoop);
  leaderGauge(metrics.registry, () => ops.leading);
  // Work published by other processes sharing the store (PostgreSQL NOTIFY) wakes this delivery loop.
  const stopListening = deliveryLoop && store.onWork ? store.onWork(() => deliveryLoop.wake()) : null;

  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  listeningUrl = `http://${host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: listeningUrl,
    adminToken,
    store,
    deliveryLoop,
    server,
    logger: log,
    operations: ops,
    close: () =>
      (closing ??= (async () => {
        await closeServerWithin(server, config.shutdownGrace);
        stopListening?.();
        await ops.close();
        await deliveryLoop?.stop();
        await deliverer?.close();
        await presence.stop();
        await store.close();
        await tracing.shutdown();
      })()),
  };
}

/** How this process shows in herald_processes (and in a refused key rotation's message). */
function processRole(config: ServerConfig, role: HeraldRole): string {
  if (!role.api) return 'worker';
  return config.dispatcher ? 'serve' : 'serve --no-dispatcher';
}

function createDeliverer(config: ServerConfig, policy: NetworkPolicy, log: Logger) {
  const options: DelivererOptions = {
    userAgent: `Herald/${HERALD_VERSION}`, defaultRetrySchedule: config.retrySchedule, policy, perEndpointConcurrency: config.endpointConcurrency,
  };
  return config.deliveryThreads > 0
    ? new DeliveryThreads(config.deliveryThreads, options, log.child({ component: 'delivery-threads' }))
    : new InProcessDeliverer(options);
}
