import type { Logger } from 'pino';
import type { ServerConfig } from '../config/options.js';
import type { Store } from '../store/store.js';
import { EndpointHealth } from './endpoint-health.js';
import { OperationalEvents } from './operational-events.js';
import { RecoveryService } from './recovery-service.js';
import { RetentionPurger } from './retention-purger.js';
import { BackgroundLeader, type BackgroundJobs } from './background-leader.js';
import { FailureSweep } from './failure-sweep.js';

/** The parts that keep Herald operable, wired once by the composition root (src/herald.ts). */
export interface Operations {
  events: OperationalEvents;
  /** Failure streaks and operational events after each settled batch; endpoint toggles. */
  health: EndpointHealth;
  recovery: RecoveryService;
  /** The retention purger, once started (a delivering process that runs the background work). */
  readonly retention: RetentionPurger | null;
  /** Whether this process runs the background work now (background-leader.ts). */
  readonly leading: boolean;
  /**
   * Routes "new work" hints to the delivery loop, and has a delivering process compete to run the
   * background work (retention, the failure-streak sweep, recovery tasks): one process at a time on
   * a shared store (background-leader.ts). Called once the loop exists: events published earlier
   * (a config file toggling endpoints at start-up) are simply found by its first claim.
   */
  start(deliveryLoop: { wake(): void } | null): Promise<void>;
  close(): Promise<void>;
}

type OperationsConfig = Pick<ServerConfig, 'endpointFailurePeriod' | 'operatorApp' | 'retention'>;

export function createOperations(store: Store, config: OperationsConfig, logger: Logger): Operations {
  let wake: () => void = () => undefined;
  const newWork = () => wake();
  const events = new OperationalEvents(store, config.operatorApp, newWork, logger.child({ part: 'events' }));
  const health = new EndpointHealth(store, events, { failurePeriodMs: config.endpointFailurePeriod }, logger.child({ part: 'endpoint-health' }));
  const recovery = new RecoveryService(store, newWork, logger.child({ part: 'recovery' }));
  let retention: RetentionPurger | null = null;
  let sweep: FailureSweep | null = null;
  let leader: BackgroundLeader | null = null;
  const jobs: BackgroundJobs = {
    start() {
      // Also with --retention 0 (keep forever): messages that asked for their own retention are
      // still purged at their time.
      retention = new RetentionPurger(store, { retentionMs: config.retention }, logger.child({ part: 'retention' }));
      retention.start();
      if (config.endpointFailurePeriod > 0) {
        sweep = new FailureSweep(health, config.endpointFailurePeriod, logger.child({ part: 'failure-sweep' }));
        sweep.start();
      }
      recovery.startRunner();
    },
    async stop() {
      await recovery.stopRunner();
      await retention?.stop();
      await sweep?.stop();
      retention = null;
      sweep = null;
    },
  };
  return {
    events,
    health,
    recovery,
    get retention() {
      return retention;
    },
    get leading() {
      return leader?.leading ?? false;
    },
    async start(deliveryLoop) {
      if (!deliveryLoop) return;
      wake = () => deliveryLoop.wake();
      // Beside the delivery loop: an API-only process (`serve --no-dispatcher`) leaves it to the workers.
      leader = new BackgroundLeader(store.leaderLock?.() ?? null, jobs, logger.child({ part: 'leader' }));
      await leader.start();
    },
    async close() {
      await leader?.stop();
      await recovery.close();
    },
  };
}
