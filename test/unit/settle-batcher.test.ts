import { describe, expect, it } from 'vitest';
import { SettleBatcher } from '../../src/delivery/settle-batcher.js';
import type { Settlement, Store } from '../../src/store/store.js';
import { settlement } from '../store/store-fixtures.js';
import { capturedLogger, claimedOn, deferred } from './delivery-loop-fakes.js';

// SettleBatcher against a store that records each settle call (one call = one transaction).

class SettleStore {
  readonly calls: string[][] = [];
  /** Events in order: `settle:<ids>` when a transaction commits, `after:<ids>` when the hook runs. */
  readonly log: string[] = [];
  failNext = false;
  gate: Promise<void> | null = null;
  async settle(batch: Settlement[]): Promise<void> {
    const ids = batch.map((s) => s.deliveryId);
    this.calls.push(ids);
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk I/O error');
    }
    this.log.push(`settle:${ids.join(',')}`);
  }
  asStore(): Store {
    return this as unknown as Store;
  }
}

const aSettlement = (): Settlement => settlement(claimedOn('ep_1'), 'token-a', { kind: 'success' });

describe('SettleBatcher', () => {
  it('writes settlements added in the same turn in one transaction', async () => {
    const store = new SettleStore();
    const batcher = new SettleBatcher(store.asStore(), capturedLogger().logger);
    const all = [aSettlement(), aSettlement(), aSettlement()];
    for (const s of all) batcher.add(s);
    await batcher.flush();
    expect(store.calls).toEqual([all.map((s) => s.deliveryId)]);
  });

  it('gathers what arrives while a write is under way into the next transaction, at most maxBatch each', async () => {
    const store = new SettleStore();
    const open = deferred<void>();
    store.gate = open.promise;
    const batcher = new SettleBatcher(store.asStore(), capturedLogger().logger, 2);
    const first = aSettlement();
    batcher.add(first);
    await new Promise((r) => setImmediate(r));
    expect(store.calls).toEqual([[first.deliveryId]]);
    const later = [aSettlement(), aSettlement(), aSettlement()];
    for (const s of later) batcher.add(s);
    open.resolve();
    await batcher.flush();
    expect(store.calls).toEqual([[first.deliveryId], [later[0]!.deliveryId, later[1]!.deliveryId], [later[2]!.deliveryId]]);
  });

  it('runs afterSettle after each committed batch, before the next batch is written', async () => {
    const store = new SettleStore();
    const batcher = new SettleBatcher(store.asStore(), capturedLogger().logger, 1, async (batch) => {
      await new Promise((r) => setImmediate(r));
      store.log.push(`after:${batch.map((s) => s.deliveryId).join(',')}`);
    });
    const [a, b] = [aSettlement(), aSettlement()];
    batcher.add(a);
    batcher.add(b);
    await batcher.flush();
    expect(store.log).toEqual([`settle:${a.deliveryId}`, `after:${a.deliveryId}`, `settle:${b.deliveryId}`, `after:${b.deliveryId}`]);
  });

  it('logs a failed transaction, skips its afterSettle, and goes on writing the next ones', async () => {
    const store = new SettleStore();
    store.failNext = true;
    const { logger, lines } = capturedLogger();
    const after: string[] = [];
    const batcher = new SettleBatcher(store.asStore(), logger, 500, async (batch) => void after.push(...batch.map((s) => s.deliveryId)));
    const lost = aSettlement();
    batcher.add(lost);
    await batcher.flush();
    const next = aSettlement();
    batcher.add(next);
    await batcher.flush();
    expect(store.log).toEqual([`settle:${next.deliveryId}`]);
    expect(after).toEqual([next.deliveryId]);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ count: 1, msg: 'failed to record delivery attempts' });
  });

  it('logs an afterSettle hook that throws and still writes the next batch', async () => {
    const store = new SettleStore();
    const { logger, lines } = capturedLogger();
    const batcher = new SettleBatcher(store.asStore(), logger, 1, async () => {
      throw new Error('hook bug');
    });
    const [a, b] = [aSettlement(), aSettlement()];
    batcher.add(a);
    batcher.add(b);
    await batcher.flush();
    expect(store.log).toEqual([`settle:${a.deliveryId}`, `settle:${b.deliveryId}`]);
    expect(lines.filter((l) => l.msg === 'after-settle hook failed')).toHaveLength(2);
  });
});
