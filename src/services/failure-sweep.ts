import type { Logger } from 'pino';
import type { EndpointHealth } from './endpoint-health.js';

/** Longest time between two sweeps; shorter failure periods are swept four times per period. */
const MAX_SWEEP_EVERY_MS = 60_000;
const MIN_SWEEP_EVERY_MS = 250;

/**
 * The failure-streak sweep on a timer, run by the background leader only (background-leader.ts).
 * Attempts that settle still end or start streaks, and disable at once an endpoint past its period,
 * in whichever process settles them; the sweep catches the endpoints whose next attempt is far off.
 */
export class FailureSweep {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private readonly everyMs: number;

  constructor(private readonly health: EndpointHealth, failurePeriodMs: number, private readonly logger: Logger) {
    this.everyMs = Math.max(MIN_SWEEP_EVERY_MS, Math.min(MAX_SWEEP_EVERY_MS, failurePeriodMs / 4));
  }

  start(): void {
    const tick = () => {
      this.pass = this.health.sweep(Date.now())
        .then(() => undefined, (err: unknown) => this.logger.error({ err }, 'failure-streak sweep failed; trying again at the next one'))
        .finally(() => {
          this.pass = null;
          if (this.timer) this.timer = setTimeout(tick, this.everyMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }
}
