import type { Logger } from 'pino';
import type { Settlement, Store } from '../store/store.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';

/**
 * Collects settlements and writes them in one transaction per batch: with FULL sync each
 * commit is an fsync, so settling one delivery per commit would cap throughput at the disk's
 * fsync rate. A batch is written as soon as the previous write finishes (no timer delay).
 */
export class SettleBatcher {
  private pending: Settlement[] = [];
  /** The batch being written now. */
  private writingBatch: Settlement[] = [];
  private writing: Promise<void> | null = null;

  /** `afterSettle` runs after each committed batch, before the next one is written (failure streaks keep their order). */
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly maxBatch = 500,
    private readonly afterSettle?: (batch: Settlement[]) => Promise<void>,
    private readonly tracing: Pick<Tracing, 'settle'> = NO_TRACING,
  ) {}

  add(settlement: Settlement): void {
    this.pending.push(settlement);
    if (!this.writing) this.writing = this.drain();
  }

  private async drain(): Promise<void> {
    // Yield once so settlements finishing in the same tick share the transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.writingBatch = batch;
      try {
        await this.tracing.settle(batch.length, () => this.store.settle(batch));
      } catch (err) {
        // The deliveries stay leased and will be attempted again when the lease expires:
        // at-least-once, never lost.
        this.logger.error({ err, count: batch.length }, 'failed to record delivery attempts');
        continue;
      }
      await this.afterSettle?.(batch).catch((err: unknown) => this.logger.error({ err }, 'after-settle hook failed'));
    }
    this.writingBatch = [];
    this.writing = null;
  }

  /** Deliveries whose settlement is queued or being written: still leased, and about to be settled. */
  settlingIds(): string[] {
    return [...this.writingBatch, ...this.pending].map((s) => s.deliveryId);
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
