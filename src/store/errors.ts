/** A unique constraint would be violated (e.g. an app uid already taken). */
export class StoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** An endpoint with values that cannot be decrypted (Endpoint.unreadable) was about to be written back. */
export class EndpointUnreadableError extends Error {
  constructor(readonly endpointId: string, reason: string) {
    super(`endpoint ${endpointId}: ${reason}`);
    this.name = 'EndpointUnreadableError';
  }
}

/**
 * A resend of a message whose payload retention has purged: there is nothing left to send (the
 * data is `null`), so the store refuses to queue a delivery rather than deliver `null`.
 */
export class MessagePurgedError extends Error {
  constructor(readonly msgId: string) {
    super(`message ${msgId}: its payload was purged by retention`);
    this.name = 'MessagePurgedError';
  }
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a bug or bad
 * data): the API answers 503 so clients retry, and nothing was half-written.
 */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  const code = e.code ?? '';
  if (CONNECTION_ERRNOS.has(code)) return true;
  // PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x (server shutting down / restarting).
  if (/^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  // SQLite: another process holds the write lock past busy_timeout.
  if (code === 'SQLITE_BUSY') return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}
