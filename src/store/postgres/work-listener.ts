import pg from 'pg';
import type { Logger } from 'pino';
import { WORK_CHANNEL } from './publish.js';

/**
 * One dedicated connection LISTENing for `herald_work` notifications about this schema. A
 * notification is a hint that saves the dispatcher a poll interval; a lost one costs only that
 * delay, so a broken connection is reported and re-opened in the background, never fatal.
 */
export class WorkListener {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly schemaKey: () => string,
    private readonly log: Logger | undefined,
    private readonly reconnectDelayMs = 1000,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.retryTimer) void this.connect();
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === WORK_CHANNEL && n.payload === this.schemaKey()) this.notify();
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
      // Work published while we were not listening gets no notification: look once now.
      this.notify();
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: pg.Client, err: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.log?.warn({ err }, 'lost the PostgreSQL LISTEN connection; polling until it is back');
    this.retryTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
