import type { Logger } from 'pino';
import type { MigrationReport } from './migration-report.js';
import { isPostgresUrl } from './postgres/connection.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { SecretCodec } from './secret-codec.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Seals endpoint secrets and TLS keys before they reach the database (default: plain). */
  codec?: SecretCodec;
  /** Where a store's background connections report trouble (PostgreSQL's LISTEN connection). */
  logger?: Logger;
  /** Told what the start-up migration applied (`herald migrate` reports it). */
  onMigrated?: (report: MigrationReport) => void;
}

/**
 * Picks the backend from the database location (a `postgres://` URL or a SQLite file path)
 * and brings its schema up to date.
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const store = isPostgresUrl(location)
    ? new PostgresStore({ url: location, codec: options.codec, logger: options.logger })
    : new SqliteStore({ path: location, codec: options.codec });
  try {
    const report = await store.migrate();
    options.onMigrated?.(report);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
