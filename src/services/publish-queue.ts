import type { PublishInput, PublishResult, Store } from '../store/store.js';
import { GroupCommit } from './group-commit.js';

/**
 * Group commit for publishes. Requests that arrive together share one transaction and so one
 * fsync, which is what lets single-message publishing outrun the disk's fsync rate while every 202
 * still follows its own commit. A failed batch is retried one by one, so one bad message cannot
 * fail its neighbours.
 */
export class PublishQueue {
  private readonly group: GroupCommit<PublishInput, PublishResult>;

  constructor(store: Store, maxBatch = 500) {
    this.group = new GroupCommit((inputs) => store.publishMany(inputs), (input) => store.publish(input), maxBatch);
  }

  submit(input: PublishInput): Promise<PublishResult> {
    return this.group.submit(input);
  }
}
