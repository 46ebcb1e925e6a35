// A message's own payload retention (Message.payloadExpiresAt, migration 20): the purger clears
// the payloads whose time has come, in expiry order, in batches like the server-wide retention's.

/** Where a pass over expired payloads continues: after this message, in (expiry, id) order. */
export interface ExpiryCursor {
  expiresAt: string;
  id: string;
}

export interface ExpiredPayloadBatch {
  /** Epoch ms: payloads expiring at or before it are purged (and it is written as purged_at). */
  now: number;
  /** Continue after this message within a pass (null: from the earliest expiry not purged yet). */
  after: ExpiryCursor | null;
  limit: number;
}

export interface ExpiredPayloadResult {
  /** Messages looked at (purged or kept); fewer than the limit means the pass is complete. */
  scanned: number;
  /** Messages whose payload was cleared; one with a pending delivery keeps it until a later pass. */
  purged: number;
  /** Attempts of those messages whose recorded bodies were cleared with them (they carry the payload). */
  attempts: number;
  last: ExpiryCursor | null;
}

/**
 * Expunging one message's content now (Svix's DELETE …/msg/{msg_id}/content): `expunged` its payload
 * and its attempts' bodies are cleared (or already were); `deferred` a delivery is still pending, so
 * its retention is set to now and the purger clears both once the deliveries are settled;
 * `not_found` the app has no such message.
 */
export type ExpungeOutcome = 'expunged' | 'deferred' | 'not_found';
