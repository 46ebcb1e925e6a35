import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { HEARTBEAT_INTERVAL_MS, PROCESS_LIVE_WINDOW_MS, type ProcessRecord } from '../store/key-records.js';
import type { Store } from '../store/store.js';

export { HEARTBEAT_INTERVAL_MS, PROCESS_LIVE_WINDOW_MS };

/**
 * This process's row in herald_processes, its heartbeat rewritten every few seconds, so that
 * `herald rotate-encryption-key` can refuse while any Herald process runs on the database. Registered
 * before the key is checked: a rotation committing later sees this process; one that committed
 * earlier left its new fingerprint, which the check then refuses.
 */
export class ProcessPresence {
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly store: Store, private readonly record: ProcessRecord, private readonly log: Logger) {}

  static async register(store: Store, role: string, log: Logger): Promise<ProcessPresence> {
    const now = Date.now();
    const record = { id: randomUUID(), role, host: hostname(), pid: process.pid, startedAt: new Date(now).toISOString(), seenAt: now };
    await store.registerProcess(record);
    const presence = new ProcessPresence(store, record, log);
    presence.timer = setInterval(() => presence.beat(), HEARTBEAT_INTERVAL_MS);
    presence.timer.unref();
    return presence;
  }

  private beat(): void {
    this.store.registerProcess({ ...this.record, seenAt: Date.now() }).catch((err: unknown) => {
      this.log.warn({ err }, 'could not write this process heartbeat (key rotation may not see it running)');
    });
  }

  /** Gone: a rotation need not wait for this process. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.unregisterProcess(this.record.id).catch(() => undefined);
  }
}
