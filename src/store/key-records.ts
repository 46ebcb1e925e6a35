// What the database keeps about the encryption key (src/security/unlock-store.ts, rotate-key.ts):
// the key's fingerprint, never the key, and the Herald processes running on it.

/** The herald_settings row holding the fingerprint of the key the sealed values are written with. */
export const KEY_FINGERPRINT_SETTING = 'encryption_key_fingerprint';

/** The endpoint columns sealed with the key (see rows.ts); TLS may be NULL. */
export const SEALED_ENDPOINT_COLUMNS = ['secrets', 'tls', 'headers', 'query'] as const;

/** How often a running process writes its heartbeat, and how long after the last one it still counts as running. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const PROCESS_LIVE_WINDOW_MS = 30_000;

/** A running Herald process; it writes `seenAt` again every few seconds (its heartbeat). */
export interface ProcessRecord {
  id: string;
  role: string;
  host: string;
  pid: number;
  startedAt: string;
  /** Epoch ms of its last heartbeat. */
  seenAt: number;
}

export interface ResealRequest {
  /** Opens a stored value with the current key and seals it with the new one; throws when it cannot open it. */
  reseal(stored: string): string;
  /** The new key's fingerprint, recorded in the same transaction. */
  fingerprint: string;
  /** A process whose heartbeat is this recent (epoch ms) or newer is running: nothing is changed. */
  liveSince: number;
}

export interface ResealResult {
  endpoints: number;
  /** Values sealed with the new key. */
  values: number;
  /** Endpoints with a value that could not be opened: left as they were (they were unreadable already). */
  unreadable: string[];
}

/** Herald processes are running on the database: a key rotation would leave them on the old key. */
export class LiveProcessesError extends Error {
  constructor(readonly processes: ProcessRecord[], now: number) {
    const list = processes
      .map((p) => `${p.role} on ${p.host} (pid ${p.pid}, last seen ${Math.max(0, Math.round((now - p.seenAt) / 1000))} s ago)`)
      .join(', ');
    super(
      `Herald processes are running on this database: ${list}. Stop every Herald process (serve and worker) ` +
        `before rotating the encryption key; a process that was killed counts as running for ${PROCESS_LIVE_WINDOW_MS / 1000} s after its last heartbeat.`,
    );
    this.name = 'LiveProcessesError';
  }
}

/**
 * One endpoint row's sealed columns resealed with `reseal`; a column that cannot be opened keeps its
 * value and marks the row unreadable. NULL columns stay NULL.
 */
export function resealRow(
  row: Record<string, string | null>,
  reseal: (stored: string) => string,
): { values: Record<string, string | null>; count: number; unreadable: boolean } {
  const values: Record<string, string | null> = {};
  let count = 0;
  let unreadable = false;
  for (const column of SEALED_ENDPOINT_COLUMNS) {
    const stored = row[column] ?? null;
    if (stored === null) {
      values[column] = null;
      continue;
    }
    try {
      values[column] = reseal(stored);
      count++;
    } catch {
      values[column] = stored;
      unreadable = true;
    }
  }
  return { values, count, unreadable };
}

/** A herald_processes row as a ProcessRecord (both stores; PostgreSQL returns BIGINT as text). */
export function toProcess(r: Record<string, any>): ProcessRecord {
  return { id: r.id, role: r.role, host: r.host, pid: Number(r.pid), startedAt: r.started_at, seenAt: Number(r.seen_at) };
}
