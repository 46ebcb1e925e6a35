import type { PublishInput, PublishResult, Store } from '../store/store.js';

interface Waiting {
  input: PublishInput;
  resolve(result: PublishResult): void;
  reject(err: unknown): void;
}

/**
 * Group commit for publishes. Requests that arrive together (the same turn of the event loop, or
 * while the previous batch is being written) share one transaction and so one fsync, which is what
 * lets single-message publishing outrun the disk's fsync rate while every 202 still follows its
 * own commit. A failed batch is retried one by one, so one bad message cannot fail its neighbours.
 */
export class PublishQueue {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly store: Store, private readonly maxBatch = 500) {}

  submit(input: PublishInput): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.store.publishMany(batch.map((w) => w.input));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch {
        for (const w of batch) {
          await this.store.publish(w.input).then(w.resolve, w.reject);
        }
      }
    }
    this.flushing = false;
  }
}
