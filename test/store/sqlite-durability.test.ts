import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, settlement, T } from './store-fixtures.js';

// What makes an acknowledged publish survive a power cut on SQLite: the write-ahead log, and an
// fsync on every publishing commit (synchronous=FULL). A SIGKILL test cannot see a weaker setting
// (the OS page cache survives a killed process), so the settings are read back from the very
// connection Herald publishes on. Claims and settlements may run with NORMAL (at-least-once allows
// repeating a delivery), but the connection must be back to FULL before the next publish.

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

  it('is back to synchronous=FULL for the next publish after a claim and a settlement', async () => {
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
});
