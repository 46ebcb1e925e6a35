import { describe, expect, it } from 'vitest';
import { PublishQueue } from '../../src/services/publish-queue.js';
import type { PublishInput, PublishResult, Store } from '../../src/store/store.js';
import { makeMessage, T } from '../store/store-fixtures.js';
import { deferred, type Deferred } from './delivery-loop-fakes.js';

// PublishQueue against a store whose transactions the test commits by hand.

class PublishStore {
  /** Each publishMany call (one transaction), by the messages' event types; committed when the test resolves it. */
  readonly batches: Array<{ types: string[]; commit: Deferred<void> }> = [];
  readonly singles: string[] = [];
  readonly committed = new Set<string>();
  /** publishMany throws for a batch holding this event type; publish throws for this one message. */
  poison: string | null = null;

  async publishMany(inputs: PublishInput[]): Promise<PublishResult[]> {
    const commit = deferred<void>();
    const types = inputs.map((i) => i.message.eventType);
    this.batches.push({ types, commit });
    await commit.promise;
    if (this.poison && types.includes(this.poison)) throw new Error('CHECK constraint failed');
    for (const t of types) this.committed.add(t);
    return inputs.map((i) => ({ message: i.message, created: true, deliveryCount: 1 }));
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    this.singles.push(input.message.eventType);
    if (input.message.eventType === this.poison) throw new Error('CHECK constraint failed');
    this.committed.add(input.message.eventType);
    return { message: input.message, created: true, deliveryCount: 1 };
  }

  asStore(): Store {
    return this as unknown as Store;
  }
}

const input = (eventType: string): PublishInput => ({ message: makeMessage('app_1', { eventType }), idempotencySince: T - 1, now: T });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('PublishQueue', () => {
  it('writes publishes submitted together in one transaction, and answers each only once it committed', async () => {
    const store = new PublishStore();
    const queue = new PublishQueue(store.asStore());
    const answeredAfterCommit: boolean[] = [];
    const answers = ['a', 'b', 'c'].map((t) =>
      queue.submit(input(t)).then((result) => {
        answeredAfterCommit.push(store.committed.has(t));
        return result.message.eventType;
      }),
    );
    await until(() => store.batches.length === 1);
    expect(store.batches[0]!.types).toEqual(['a', 'b', 'c']);
    store.batches[0]!.commit.resolve();
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c']);
    expect(answeredAfterCommit).toEqual([true, true, true]);
  });

  it('gathers publishes that arrive during a transaction into the next one, at most maxBatch each', async () => {
    const store = new PublishStore();
    const queue = new PublishQueue(store.asStore(), 2);
    const first = queue.submit(input('a'));
    await until(() => store.batches.length === 1);
    const later = ['b', 'c', 'd'].map((t) => queue.submit(input(t)));
    store.batches[0]!.commit.resolve();
    await until(() => store.batches.length === 2);
    store.batches[1]!.commit.resolve();
    await until(() => store.batches.length === 3);
    store.batches[2]!.commit.resolve();
    await Promise.all([first, ...later]);
    expect(store.batches.map((b) => b.types)).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('retries a failed transaction one publish at a time, so only the bad one fails', async () => {
    const store = new PublishStore();
    store.poison = 'bad';
    const queue = new PublishQueue(store.asStore());
    const answers = ['ok1', 'bad', 'ok2'].map((t) => queue.submit(input(t)).then((r) => r.message.eventType, (err: Error) => `error: ${err.message}`));
    await until(() => store.batches.length === 1);
    store.batches[0]!.commit.resolve();
    expect(await Promise.all(answers)).toEqual(['ok1', 'error: CHECK constraint failed', 'ok2']);
    expect(store.singles).toEqual(['ok1', 'bad', 'ok2']);
  });

  it('keeps working after a failed batch', async () => {
    const store = new PublishStore();
    store.poison = 'bad';
    const queue = new PublishQueue(store.asStore());
    const bad = queue.submit(input('bad')).catch(() => 'refused');
    await until(() => store.batches.length === 1);
    store.batches[0]!.commit.resolve();
    expect(await bad).toBe('refused');
    const next = queue.submit(input('next'));
    await until(() => store.batches.length === 2);
    store.batches[1]!.commit.resolve();
    expect((await next).message.eventType).toBe('next');
  });
});
