import { open } from 'node:fs/promises';

/** Flushes a file's written data to disk (fdatasync), off the event loop. */
export type SyncFile = (path: string) => Promise<void>;

const fdatasync: SyncFile = async (path) => {
  const file = await open(path, 'r+');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
};

/**
 * Makes publish commits durable without blocking the event loop on the disk.
 *
 * With synchronous=FULL, every commit of a WAL database ends in an fsync of the WAL file, run by
 * better-sqlite3 on the main thread: 2–3 ms of wall time per publish group on this machine, during
 * which no request is parsed and no delivery result is read. Publishes now commit with
 * synchronous=NORMAL (the frames are written to the WAL, atomic and crash-consistent, but not
 * synced) and then call `sync()`, which fdatasyncs the WAL file on libuv's thread pool; the 202 waits
 * for it. fdatasync flushes the file whoever wrote it, so once it returns every frame committed
 * before the call is on disk: the same promise FULL makes, power loss included. SQLite keeps the
 * WAL file (same inode) while its connection is open; a checkpoint rewinds it but does not replace it.
 *
 * Calls while a sync runs share the next one: that one may have started before their commit.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly walPath: string, private readonly syncFile: SyncFile = fdatasync) {}

  /** Resolves once every commit made before this call is on disk. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncFile(this.walPath).finally(() => (this.running = null));
      return this.running;
    }
    this.next ??= this.running.then(
      () => this.afterRunning(),
      () => this.afterRunning(),
    );
    return this.next;
  }

  private afterRunning(): Promise<void> {
    this.next = null;
    return this.sync();
  }
}
