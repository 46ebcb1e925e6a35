import type { Logger } from 'pino';
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
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
