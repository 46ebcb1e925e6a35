import type { Logger } from 'pino';
import { idFloorAt } from '../domain/id-time.js';
import { newId } from '../domain/ids.js';
import type { AuditEntry, AuditQuery } from '../domain/operators.js';
import type { Store } from '../store/store.js';

/** What the API hands over for one state-changing call; the id and time are added here. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

/**
 * The audit log (docs/operators.md): one entry per state-changing API call. Writing is awaited
 * before the answer leaves, so a client that saw the answer finds the entry; a failed write is
 * logged (with the entry, which holds no secret) and does not turn a done change into an error.
 *
 * Entries are group-committed, as publishes are (publish-queue.ts): calls answered in the same turn
 * of the event loop, or while the previous group is being written, share one transaction. Publishing
 * is audited too, and under load its entries cost one extra commit per group of publishes, not one
 * per publish.
 */
export class AuditLog {
  private waiting: Array<{ entry: AuditEntry; done(): void }> = [];
  private flushing = false;

  /** `recordsPublishes`: false leaves publish calls out (--no-audit-publishes). */
  constructor(private readonly store: Store, private readonly logger: Logger, readonly recordsPublishes = true, private readonly maxBatch = 500) {}

  record(record: AuditRecord): Promise<void> {
    const entry: AuditEntry = { id: newId('aud'), at: new Date().toISOString(), ...record };
    return new Promise((done) => {
      this.waiting.push({ entry, done });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxBatch);
      try {
        await this.store.appendAuditMany(group.map((w) => w.entry));
      } catch (err) {
        for (const { entry } of group) this.logger.error({ err, audit: entry }, 'could not write an audit log entry');
      }
      for (const w of group) w.done();
    }
    this.flushing = false;
  }

  list(query: AuditQuery) {
    return this.store.listAudit(query);
  }
}

/**
 * Deletes audit entries older than `before` (epoch ms) in batches of `batchSize`; answers how
 * many. The retention purger calls it with the messages' retention period.
 */
export async function purgeAuditBefore(store: Store, before: number, batchSize: number, stopped: () => boolean): Promise<number> {
  const beforeId = idFloorAt('aud', before);
  let purged = 0;
  while (!stopped()) {
    const n = await store.purgeAudit(beforeId, batchSize);
    purged += n;
    if (n < batchSize) break;
  }
  return purged;
}
