import type { Logger } from 'pino';
import { idFloorAt } from '../domain/id-time.js';
import { newId } from '../domain/ids.js';
import type { AuditEntry, AuditQuery } from '../domain/operators.js';
import type { Store } from '../store/store.js';
import { GroupCommit } from './group-commit.js';

/** What the API hands over for one state-changing call; the id and time are added here. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

/**
 * The audit log (docs/operators.md): one entry per state-changing API call. Writing is awaited
 * before the answer leaves, so a client that saw the answer finds the entry; a failed write is
 * logged (with the entry, which holds no secret) and does not turn a done change into an error.
 *
 * Entries are group-committed (group-commit.ts), as publishes are: calls answered in the same turn
 * of the event loop, or while the previous group is being written, share one transaction. Publishing
 * is audited too: those entries are written by the next group of publishes' own transaction
 * (publish-queue.ts), so under load they cost no commit of their own (single-message publishing
 * ran at 0.62 of its rate with a commit per group of entries).
 */
export class AuditLog {
  private readonly group: GroupCommit<AuditEntry, void>;

  /**
   * `recordsPublishes`: false leaves publish calls out (--no-audit-publishes). `publishes`: where
   * publish calls' entries ride on the next publish transaction (publish-queue.ts); absent, they
   * are group-committed like the others.
   */
  constructor(
    private readonly store: Store, private readonly logger: Logger, readonly recordsPublishes = true, maxBatch = 500,
    private readonly publishes: { submitAudit(entry: AuditEntry): Promise<void> } | null = null,
  ) {
    this.group = new GroupCommit(async (entries) => {
      await this.store.appendAuditMany(entries);
      return entries.map(() => undefined);
    }, null, maxBatch);
  }

  /** `publishCall`: the entry of a publish call, written with the next publishes when there is a queue for them. */
  async record(record: AuditRecord, publishCall = false): Promise<void> {
    const entry: AuditEntry = { id: newId('aud'), at: new Date().toISOString(), ...record };
    const writing = publishCall && this.publishes ? this.publishes.submitAudit(entry) : this.group.submit(entry);
    await writing.catch((err: unknown) => this.logger.error({ err, audit: entry }, 'could not write an audit log entry'));
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
