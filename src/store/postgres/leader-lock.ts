import pg from 'pg';
import type { Logger } from 'pino';
import type { LeaderLock } from '../leader-lock.js';

const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * The background-work leader on PostgreSQL: a session advisory lock on a connection of its own
 * (not the pool's, whose connections come and go). PostgreSQL releases it when that session ends,
 * so a leader that is killed, or cut off from the database, hands over to whichever process tries
 * next. The key names the schema, so Herald deployments sharing one database elect one leader each.
 */
export class PgLeaderLock implements LeaderLock {
  private client: pg.Client | null = null;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly key: string,
    private readonly log: Logger | undefined,
  ) {}

  async tryAcquire(): Promise<boolean> {
    if (this.client) return true;
    // A silent network loss must not hold the heartbeat forever: it times out, and the leader resigns.
    const client = new pg.Client({ ...this.config, keepAlive: true, query_timeout: HEARTBEAT_TIMEOUT_MS });
    // A broken connection also raises 'error' on an idle client: never an unhandled error.
    client.on('error', (err) => this.lost(client, err));
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.key]);
      if (!rows[0]?.ok) {
        await client.end().catch(() => undefined);
        return false;
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    client.on('end', () => this.lost(client, null));
    return true;
  }

  async stillHeld(): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    try {
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      this.lost(client, err as Error);
      return false;
    }
  }

  onLost(listener: () => void): void {
    this.listeners.push(listener);
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    // Ending the session releases the lock; no unlock query needed (and none can hang on a dead link).
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client, err: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.log?.warn({ err }, 'lost the connection holding the background-work lock');
    for (const listener of this.listeners) listener();
  }
}
