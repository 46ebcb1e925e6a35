import type { HandOffSession } from '../delivery/hand-off-session.js';
import type { AuditEntry } from '../domain/operators.js';
import type { PublishInput, PublishResult, Store } from '../store/store.js';
import { GroupCommit } from './group-commit.js';

/** Where published work goes: the local delivery loop's hand-off, and its wake-up for the rest. */
export interface PublishedWork {
  /** Deliveries were committed that the local loop (if any) should claim. */
  newWork(): void;
  /** The local loop's offer to take new deliveries straight from the publish; null: none (no loop, stopping). */
  handOff?(): HandOffSession | null;
}

/** A publish, or the audit entry of an earlier publish call riding on the next publish's transaction. */
type QueueItem = { input: PublishInput } | { audit: AuditEntry };

/**
 * Group commit for publishes. Requests that arrive together share one transaction and so one
 * fsync, which is what lets single-message publishing outrun the disk's fsync rate while every 202
 * still follows its own commit. A failed batch is retried one by one, so one bad message cannot
 * fail its neighbours.
 *
 * The audit entries of publish calls (services/audit-log.ts) are written by the next group's
 * transaction rather than by one of their own: under load a group is always forming, so publishing
 * with an audit log costs one commit per group instead of two (a group with only entries writes them alone).
 */
export class PublishQueue {
  private readonly group: GroupCommit<QueueItem, PublishResult | undefined>;

  constructor(store: Store, maxBatch = 500, work?: PublishedWork) {
    this.group = new GroupCommit<QueueItem, PublishResult | undefined>(
      async (items) => {
        const inputs: PublishInput[] = [];
        const audit: AuditEntry[] = [];
        for (const item of items) if ('input' in item) inputs.push(item.input); else audit.push(item.audit);
        if (inputs.length === 0) {
          // Through the publish path, which SQLite makes durable off the event loop (wal-sync.ts).
          await store.publishMany([], undefined, audit);
          return items.map(() => undefined);
        }
        const results = await publishHandingOff(store, inputs, work, audit);
        let next = 0;
        return items.map((item) => ('input' in item ? results[next++] : undefined));
      },
      // The rare retry of a failed group, one by one: left to the claim.
      async (item) => {
        if (!('input' in item)) return void (await store.appendAuditMany([item.audit]));
        const result = await store.publish(item.input);
        if (result.deliveryCount > 0) work?.newWork();
        return result;
      },
      maxBatch,
    );
  }

  submit(input: PublishInput): Promise<PublishResult> {
    return this.group.submit({ input }) as Promise<PublishResult>;
  }

  /** Writes an audit entry with the next group of publishes; resolves once it is committed. */
  async submitAudit(entry: AuditEntry): Promise<void> {
    await this.group.submit({ audit: entry });
  }
}

/**
 * One transaction of publishes. The deliveries the local loop has room for are handed to it
 * (store/hand-off.ts); the loop is woken to claim only when some were left in the database.
 */
export async function publishHandingOff(store: Store, inputs: PublishInput[], work?: PublishedWork, audit?: readonly AuditEntry[]): Promise<PublishResult[]> {
  const handOff = work?.handOff?.() ?? null;
  try {
    const results = await store.publishMany(inputs, handOff ?? undefined, audit);
    let created = 0;
    for (const r of results) created += r.deliveryCount;
    if (created > (handOff?.taken ?? 0)) work?.newWork();
    return results;
  } finally {
    handOff?.close();
  }
}
