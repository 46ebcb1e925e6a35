import type { HandOffSession } from '../delivery/hand-off-session.js';
import type { PublishInput, PublishResult, Store } from '../store/store.js';
import { GroupCommit } from './group-commit.js';

/** Where published work goes: the local delivery loop's hand-off, and its wake-up for the rest. */
export interface PublishedWork {
  /** Deliveries were committed that the local loop (if any) should claim. */
  newWork(): void;
  /** The local loop's offer to take new deliveries straight from the publish; null: none (no loop, stopping). */
  handOff?(): HandOffSession | null;
}

/**
 * Group commit for publishes. Requests that arrive together share one transaction and so one
 * fsync, which is what lets single-message publishing outrun the disk's fsync rate while every 202
 * still follows its own commit. A failed batch is retried one by one, so one bad message cannot
 * fail its neighbours.
 */
export class PublishQueue {
  private readonly group: GroupCommit<PublishInput, PublishResult>;

  constructor(store: Store, maxBatch = 500, work?: PublishedWork) {
    this.group = new GroupCommit(
      (inputs) => publishHandingOff(store, inputs, work),
      // The rare retry of a failed group, one by one: left to the claim.
      async (input) => {
        const result = await store.publish(input);
        if (result.deliveryCount > 0) work?.newWork();
        return result;
      },
      maxBatch,
    );
  }

  submit(input: PublishInput): Promise<PublishResult> {
    return this.group.submit(input);
  }
}

/**
 * One transaction of publishes. The deliveries the local loop has room for are handed to it
 * (store/hand-off.ts); the loop is woken to claim only when some were left in the database.
 */
export async function publishHandingOff(store: Store, inputs: PublishInput[], work?: PublishedWork): Promise<PublishResult[]> {
  const handOff = work?.handOff?.() ?? null;
  try {
    const results = await store.publishMany(inputs, handOff ?? undefined);
    let created = 0;
    for (const r of results) created += r.deliveryCount;
    if (created > (handOff?.taken ?? 0)) work?.newWork();
    return results;
  } finally {
    handOff?.close();
  }
}
