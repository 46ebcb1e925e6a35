import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { HandOff } from '../../src/store/hand-off.js';
import { eventually } from '../helpers/test-herald.js';
import type { ClaimedDelivery, Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, settlement, T } from './store-fixtures.js';

// What makes an acknowledged publish survive a power cut on SQLite: the write-ahead log, and an
// fdatasync of it before the publish is acknowledged (wal-sync.ts; publishes commit with NORMAL and
// the flush runs off the event loop), FULL for every other write. A SIGKILL test cannot see a weaker
// setting (the OS page cache survives a killed process), so the settings are read back from the very
// connection Herald publishes on, and the flush is watched through the store's `syncFile`. Claims and
// settlements run with NORMAL too (at-least-once allows repeating a delivery), but the connection
// must be back to FULL after each of them.

/** SQLite's numbering of PRAGMA synchronous. */
const SYNCHRONOUS = { OFF: 0, NORMAL: 1, FULL: 2, EXTRA: 3 } as const;

describe('SQLite durability settings of the publishing connection', () => {
  let dir: string;
  let store: Store;
  let db: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-durability-'));
    store = await openStore(join(dir, 'herald.db'));
    // Herald's one connection (better-sqlite3 is synchronous: there is no pool to pick from).
    db = (store as unknown as { db: Database.Database }).db;
    expect(db?.open, 'SqliteStore keeps its connection in `db`').toBe(true);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const synchronous = () => db.pragma('synchronous', { simple: true });

  it('opens in WAL mode with synchronous=FULL', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(synchronous()).toBe(SYNCHRONOUS.FULL);
  });

  it('is back to synchronous=FULL for the next write after a publish, a claim and a settlement', async () => {
    const app = await store.createApp(makeApp());
    await store.createEndpoint(makeEndpoint(app.id));
    await store.publish({ message: makeMessage(app.id), idempotencySince: T, now: T });
    expect(synchronous()).toBe(SYNCHRONOUS.FULL);
    const claimed = await store.claimDue(claimRequest({ leaseToken: 'durability' }));
    expect(claimed).toHaveLength(1);
    expect(synchronous()).toBe(SYNCHRONOUS.FULL);
    await store.settle([settlement(claimed[0]!, 'durability', { kind: 'success' })]);
    expect(synchronous()).toBe(SYNCHRONOUS.FULL);
    // And an idle claim (nothing due) too: the dispatcher makes one on every poll.
    expect(await store.claimDue(claimRequest({ leaseToken: 'durability' }))).toEqual([]);
    expect(synchronous()).toBe(SYNCHRONOUS.FULL);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  describe('a publish is acknowledged once its commit is flushed to disk', () => {
    /** A SqliteStore whose WAL flushes wait for `release`, recording each flushed path. */
    async function heldFlushes() {
      const flushed: string[] = [];
      const waiting: Array<() => void> = [];
      const path = join(dir, 'held.db');
      const held = new SqliteStore({ path, syncFile: async (file) => { await new Promise<void>((r) => waiting.push(r)); flushed.push(file); } });
      await held.migrate();
      const app = await held.createApp(makeApp());
      await held.createEndpoint(makeEndpoint(app.id));
      return { held, app, path, flushed, waiting, releaseAll: () => waiting.splice(0).forEach((r) => r()) };
    }

    it('waits for the WAL file to be flushed, and hands its deliveries to the loop only then', async () => {
      const { held, app, path, flushed, waiting, releaseAll } = await heldFlushes();
      try {
        const given: ClaimedDelivery[] = [];
        const handOff: HandOff = { leaseToken: 'loop', leaseMarginMs: 500, perEndpointLimit: 64, reserve: () => true, deliver: (c) => void given.push(...c) };
        let acknowledged = false;
        const publishing = held.publishMany([{ message: makeMessage(app.id), idempotencySince: T, now: T }], handOff).then(() => (acknowledged = true));
        await eventually(() => waiting.length === 1);
        await new Promise((r) => setTimeout(r, 50));
        expect(acknowledged).toBe(false);
        expect(given).toEqual([]);
        releaseAll();
        await publishing;
        expect(flushed).toEqual([`${path}-wal`]);
        expect(given).toHaveLength(1);
        // Other writes keep FULL on the same connection.
        expect((held as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS.FULL);
      } finally {
        releaseAll();
        await held.close();
      }
    });

    it('a publish committed while a flush runs waits for the next flush, which may start only after it', async () => {
      const { held, app, waiting, releaseAll } = await heldFlushes();
      try {
        const done: string[] = [];
        const first = held.publish({ message: makeMessage(app.id), idempotencySince: T, now: T }).then(() => done.push('first'));
        await eventually(() => waiting.length === 1);
        const second = held.publish({ message: makeMessage(app.id), idempotencySince: T, now: T }).then(() => done.push('second'));
        const third = held.publish({ message: makeMessage(app.id), idempotencySince: T, now: T }).then(() => done.push('third'));
        waiting.shift()!();
        await first;
        // The second and third share the flush that starts after the first one's.
        await eventually(() => waiting.length === 1);
        expect(done).toEqual(['first']);
        waiting.shift()!();
        await Promise.all([second, third]);
        expect(done).toEqual(['first', 'second', 'third']);
        expect(waiting).toHaveLength(0);
      } finally {
        releaseAll();
        await held.close();
      }
    });
  });
});
