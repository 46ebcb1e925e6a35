/**
 * Stores shared by several processes elect the one that runs background work (retention, the
 * failure-streak sweep, task runners): a lock held by a database session, so it is released when
 * the holder dies or loses its connection (PostgreSQL: an advisory lock, postgres/leader-lock.ts).
 */
export interface LeaderLock {
  /** Takes the lock if it is free; true while this process holds it. Throws when the database is unreachable. */
  tryAcquire(): Promise<boolean>;
  /** Checks that the session holding the lock is still alive; false (and released) when it is not. */
  stillHeld(): Promise<boolean>;
  /** Called once each time a held lock is lost without release() (its connection broke). */
  onLost(listener: () => void): void;
  release(): Promise<void>;
}
