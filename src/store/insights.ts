// Read-only aggregates for the dashboard, the same SQL on every backend (catalogue/reads.ts).
// Required of every store: a fallback that scanned lists stopped after a fixed number of rows.

/** Attempts to one endpoint within one UTC hour. */
export interface HourlyAttemptStats {
  /** The hour's first instant, ISO 8601 in UTC (`2025-01-31T14:00:00.000Z`). */
  hour: string;
  attempts: number;
  successes: number;
  /** Sum of the attempts' durations, so callers can average across hours exactly. */
  totalDurationMs: number;
  maxDurationMs: number;
}

/** One entity of the messages' `entity` field; `ids` lists the spellings to match (25 and "25"). */
export interface EntityRef {
  type: string;
  ids: Array<string | number>;
}

/**
 * One delivery as the dashboard shows it, with its latest attempt. `status` is the stored one;
 * the API turns it (and `attempts`) into delivered / pending / failing / exhausted (delivery-state.ts).
 */
export interface DeliveryRecord {
  id: string;
  msgId: string;
  endpointId: string;
  eventType: string;
  status: 'pending' | 'success' | 'failed' | 'cancelled';
  /** Attempts settled so far. */
  attempts: number;
  /** Epoch ms: when a pending delivery is (re)tried. */
  nextAttemptAt: number;
  createdAt: string;
  lastAttempt: { createdAt: string; responseStatus: number | null; error: string | null } | null;
}

/** The pending list's cursor as text: `<next_attempt_at>~<id>` (parsePendingCursor reads it back). */
export function pendingCursor(d: Pick<DeliveryRecord, 'nextAttemptAt' | 'id'>): string {
  return `${d.nextAttemptAt}~${d.id}`;
}

export function parsePendingCursor(text: string): { nextAttemptAt: number; id: string } | null {
  const m = /^(\d{1,15})~(dlv_[0-9A-HJKMNP-TV-Z]{26})$/.exec(text);
  return m ? { nextAttemptAt: Number(m[1]), id: m[2]! } : null;
}
