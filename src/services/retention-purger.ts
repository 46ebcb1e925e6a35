import type { Logger } from 'pino';
import { idFloorAt } from '../domain/id-time.js';
import type { IdPrefix } from '../domain/ids.js';
import type { PurgeBatch, PurgeResult } from '../store/operations.js';
import type { ExpiryCursor } from '../store/payload-expiry.js';
import type { Store } from '../store/store.js';
import { purgeAuditBefore } from './audit-log.js';
import { IDEMPOTENCY_KEY_KEEP_MS } from './idempotency-keys.js';

export interface RetentionOptions {
  /**
   * Payloads and bodies older than this (ms) are purged; 0 keeps them forever. Messages published
   * with their own retention (Message.payloadExpiresAt) are purged at their own time either way.
   */
  retentionMs: number;
  /** Rows per transaction. */
  batchSize?: number;
  /** Pause between two batches, so a long purge leaves the store to deliveries most of the time. */
  pauseMs?: number;
  /** Time between two passes. */
  passEveryMs?: number;
  /** The clock (tests inject one). */
  now?: () => number;
}

export interface PurgeCounts {
  /** Messages whose payload was cleared: by the server-wide retention or by their own. */
  messages: number;
  attempts: number;
  /** Audit log entries deleted (docs/operators.md: kept as long as messages' payloads). */
  audit: number;
  /** Svix idempotency keys deleted: kept 24 hours whatever the retention (services/idempotency-keys.ts). */
  idempotencyKeys: number;
}

const DEFAULT_BATCH = 500;
const DEFAULT_PAUSE_MS = 100;
const DEFAULT_PASS_EVERY_MS = 10 * 60_000;

/**
 * Retention: in the background, clears the data of messages and the request and response bodies of
 * attempts older than the retention period, in small batches with a pause in between; the rows and
 * their metadata stay, so lists, attempt logs and metrics still add up. A message published with its
 * own retention (Svix's payloadRetentionPeriod/Hours, Herald's retentionHours) is cleared at its own
 * time instead, sooner or later, with its attempts' bodies. Messages with a pending delivery keep
 * their payload until it is settled. Errors are logged and the next pass tries again.
 */
export class RetentionPurger {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<PurgeCounts> | null = null;
  private stopped = false;
  private wakePause: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly pauseMs: number;
  private readonly passEveryMs: number;
  private readonly now: () => number;

  constructor(private readonly store: Store, private readonly options: RetentionOptions, private readonly logger: Logger) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
    // With no server-wide retention a pass still clears the messages that asked for their own.
    const everyMs = options.retentionMs > 0 ? Math.min(DEFAULT_PASS_EVERY_MS, Math.max(1000, options.retentionMs / 4)) : DEFAULT_PASS_EVERY_MS;
    this.passEveryMs = options.passEveryMs ?? everyMs;
    this.now = options.now ?? Date.now;
  }

  /** A first pass now, then one every `passEveryMs`. */
  start(): void {
    const loop = () => {
      if (this.stopped) return;
      void this.runPass().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.passEveryMs);
      });
    };
    loop();
  }

  /** One pass over both tables (joins a pass already running). Never throws. */
  runPass(): Promise<PurgeCounts> {
    this.pass ??= this.purgeAll().finally(() => (this.pass = null));
    return this.pass;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wakePause?.();
    await this.pass;
  }

  private async purgeAll(): Promise<PurgeCounts> {
    const serverWide = this.options.retentionMs > 0;
    const cutoff = this.now() - this.options.retentionMs;
    const counts = { messages: 0, attempts: 0, audit: 0, idempotencyKeys: 0 };
    try {
      const expired = await this.purgeExpired();
      counts.messages += expired.messages;
      counts.attempts += expired.attempts;
      if (serverWide) {
        counts.messages += await this.purgeTable('msg', cutoff, (b) => this.store.purgeMessagePayloads(b));
        counts.attempts += await this.purgeTable('atm', cutoff, (b) => this.store.purgeAttemptBodies(b));
        counts.audit = await purgeAuditBefore(this.store, cutoff, this.batchSize, () => this.stopped);
      }
      counts.idempotencyKeys = await this.purgeIdempotencyKeys();
      if (counts.messages + counts.attempts + counts.audit + counts.idempotencyKeys > 0) {
        const before = serverWide ? new Date(cutoff).toISOString() : null;
        this.logger.info({ ...counts, ownRetention: expired.messages, before }, 'retention: purged old payloads and bodies');
      }
    } catch (err) {
      this.logger.error({ err, ...counts }, 'retention pass failed; trying again at the next pass');
    }
    return counts;
  }

  private async purgeTable(prefix: IdPrefix, cutoff: number, purge: (batch: PurgeBatch) => Promise<PurgeResult>): Promise<number> {
    const beforeId = idFloorAt(prefix, cutoff);
    let afterId: string | null = null;
    let purged = 0;
    while (!this.stopped) {
      const result = await purge({ beforeId, afterId, limit: this.batchSize, now: this.now() });
      purged += result.purged;
      if (result.scanned < this.batchSize || result.lastId === null) break;
      afterId = result.lastId;
      await this.pause();
    }
    return purged;
  }

  /** Messages whose own retention is over, in expiry order (see Store.purgeExpiredPayloads). */
  private async purgeExpired(): Promise<{ messages: number; attempts: number }> {
    let after: ExpiryCursor | null = null;
    const purged = { messages: 0, attempts: 0 };
    while (!this.stopped) {
      const result = await this.store.purgeExpiredPayloads({ now: this.now(), after, limit: this.batchSize });
      purged.messages += result.purged;
      purged.attempts += result.attempts;
      if (result.scanned < this.batchSize || result.last === null) break;
      after = result.last;
      await this.pause();
    }
    return purged;
  }

  /** Idempotency keys past their 24 hours (a claim after that expires them anyway; this frees the rows). */
  private async purgeIdempotencyKeys(): Promise<number> {
    const before = new Date(this.now() - IDEMPOTENCY_KEY_KEEP_MS).toISOString();
    let deleted = 0;
    while (!this.stopped) {
      const n = await this.store.purgeIdempotencyKeys(before, this.batchSize);
      deleted += n;
      if (n < this.batchSize) break;
      await this.pause();
    }
    return deleted;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pauseMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakePause = null;
        resolve();
      }
      this.wakePause = done;
    });
  }
}
