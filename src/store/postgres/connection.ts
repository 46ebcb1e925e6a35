import pg, { type PoolConfig } from 'pg';

export interface PostgresLocation {
  /** The URL without Herald's own parameters, for `pg`. */
  connectionString: string;
  /** Where Herald's tables live (`?schema=name`); null: the server's default search_path. */
  schema: string | null;
  /** Most pooled connections per process (`?pool_size=n`, default 10). */
  poolSize: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** `postgres://user@host:5432/db?schema=herald&pool_size=20` → connection string + Herald's options. */
export function parsePostgresLocation(location: string): PostgresLocation {
  const url = new URL(location);
  const schema = url.searchParams.get('schema');
  const poolSize = Number(url.searchParams.get('pool_size') ?? 10);
  url.searchParams.delete('schema');
  url.searchParams.delete('pool_size');
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error('pool_size must be a positive integer');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    // Validated rather than quoted: the name goes into search_path and DDL as an identifier.
    throw new Error(`schema must be a lower-case identifier (a-z, 0-9, _), got "${schema}"`);
  }
  return { connectionString: url.toString(), schema, poolSize };
}

/** Every connection (pooled or listening) starts with the schema on its search_path. */
export function poolConfig(location: PostgresLocation): PoolConfig {
  return {
    connectionString: location.connectionString,
    max: location.poolSize,
    Client: NulSafeClient,
    application_name: 'herald',
    // Set in the start-up packet, so no connection can ever run a query against the wrong schema.
    options: location.schema ? `-c search_path=${location.schema}` : undefined,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  };
}

/** The error code PostgreSQL gives a unique constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can), and a parameter containing one fails the
 * whole statement, so an id or name with a NUL from a hostile request would be a 500. Every
 * string parameter (and string in an array parameter) has NUL replaced by U+FFFD on its way
 * out: consistently for writes and lookups, so such a value still finds itself, and nothing
 * legitimate changes (JSON payloads carry NUL as the escape `\u0000`, not the raw character).
 */
export class NulSafeClient extends pg.Client {
  override query(...args: any[]): any {
    const [config, values] = args;
    if (Array.isArray(values)) args[1] = values.map(withoutNul);
    else if (config && typeof config === 'object' && Array.isArray(config.values)) args[0] = { ...config, values: config.values.map(withoutNul) };
    return (super.query as (...a: any[]) => any)(...args);
  }
}

/** A string as PostgreSQL will store it (see NulSafeClient). */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return pgText(value);
  return Array.isArray(value) ? value.map(withoutNul) : value;
}

/** For JSON built here for json_populate_recordset: a NUL inside a string value, as above. */
export function jsonWithoutNul(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? pgText(v) : v));
}
