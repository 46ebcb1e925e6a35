import { closeSync, fdatasync, openSync } from 'node:fs';

/** Flushes a file's written data to disk (fdatasync), off the event loop. */
export type SyncFile = (path: string) => Promise<void>;

/**
 * fdatasync on a descriptor opened once: one trip to libuv's pool per flush. (fs/promises' open,
 * datasync and close were three, and their FileHandles a few per cent of the main thread.)
 */
class OpenFile {
  private fd: number | null = null;

  readonly sync: SyncFile = (path) => {
    this.fd ??= openSync(path, 'r+');
    const fd = this.fd;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  };

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

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
 * WAL file (same inode) while its connection is open, so its descriptor is opened once; a checkpoint
 * rewinds the file but does not replace it.
 *
 * Calls while a sync runs share the next one: that one may have started before their commit.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private readonly file = new OpenFile();
  private readonly syncFile: SyncFile;

  constructor(private readonly walPath: string, syncFile?: SyncFile) {
    this.syncFile = syncFile ?? this.file.sync;
  }

  /** Closes the WAL's descriptor (the store is closing). */
  close(): void {
    this.file.close();
  }

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
