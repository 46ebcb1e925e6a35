import type Database from 'better-sqlite3';
import type { PurgeBatch, PurgeResult } from '../operations.js';
import type { ExpiredPayloadBatch, ExpiredPayloadResult } from '../payload-expiry.js';
import { statement } from './statement-cache.js';

// Retention: payloads and recorded bodies of old rows are cleared, their metadata kept. Each batch
// is one short write transaction, so deliveries interleave with a long purge. The scan walks the
// partial index of rows not purged yet (messages_unpurged, attempts_unpurged) in id order; ids are
// ULIDs, so `id < beforeId` is exactly "older than the cutoff". Messages published with their own
// retention (payload_expires_at, migration 20) are left out of that scan and purged at their own
// time instead, sooner or later than the server-wide cutoff (sqlitePurgeExpiredPayloads).

/**
 * How every purge clears an attempt's recorded bodies (they carry the payload as sent): the server-wide
 * retention, a message's own retention and an expunge (expunge-queries.ts) all use this.
 */
export const CLEAR_ATTEMPT_BODIES = `request = json_set(request, '$.body', NULL), response = json_set(response, '$.body', NULL)`;

export function sqlitePurgeMessagePayloads(db: Database.Database, batch: PurgeBatch): PurgeResult {
  const scan = statement(db, 
    `SELECT m.id, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
     FROM messages m WHERE m.purged_at IS NULL AND m.payload_expires_at IS NULL AND m.id < @before AND (@after IS NULL OR m.id > @after)
     ORDER BY m.id LIMIT @limit`,
  );
  // JSON null keeps the column valid JSON: readers see `data: null`, and nothing is ever signed from it.
  const purge = statement(db, `UPDATE messages SET data = 'null', purged_at = ? WHERE id = ?`);
  const run = db.transaction(() => {
    const rows = scan.all({ before: batch.beforeId, after: batch.afterId, limit: batch.limit }) as Array<{ id: string; busy: number }>;
    const iso = new Date(batch.now).toISOString();
    let purged = 0;
    // A message still being delivered keeps its payload; a later pass takes it.
    for (const r of rows) if (!r.busy) purged += purge.run(iso, r.id).changes;
    return { scanned: rows.length, purged, lastId: rows.at(-1)?.id ?? null };
  });
  return run.immediate();
}

export function sqlitePurgeAttemptBodies(db: Database.Database, batch: PurgeBatch): PurgeResult {
  const scan = statement(db, 
    `SELECT id FROM attempts WHERE purged_at IS NULL AND id < @before AND (@after IS NULL OR id > @after)
     ORDER BY id LIMIT @limit`,
  ).pluck();
  const purge = statement(db, 
    `UPDATE attempts SET ${CLEAR_ATTEMPT_BODIES},
       purged_at = ? WHERE id = ?`,
  );
  const run = db.transaction(() => {
    const ids = scan.all({ before: batch.beforeId, after: batch.afterId, limit: batch.limit }) as string[];
    const iso = new Date(batch.now).toISOString();
    for (const id of ids) purge.run(iso, id);
    return { scanned: ids.length, purged: ids.length, lastId: ids.at(-1) ?? null };
  });
  return run.immediate();
}

/**
 * Messages whose own payload retention is over, in (expiry, id) order on messages_payload_expiry:
 * their payload is cleared as the server-wide retention clears it, and so are the recorded bodies of
 * their attempts, which carry the payload as sent. A message still being delivered keeps both.
 */
export function sqlitePurgeExpiredPayloads(db: Database.Database, batch: ExpiredPayloadBatch): ExpiredPayloadResult {
  const scan = statement(db,
    `SELECT m.id, m.payload_expires_at AS expires_at,
       EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
     FROM messages m
     WHERE m.purged_at IS NULL AND m.payload_expires_at IS NOT NULL AND m.payload_expires_at <= @now
       AND (@afterAt IS NULL OR (m.payload_expires_at, m.id) > (@afterAt, @afterId))
     ORDER BY m.payload_expires_at, m.id LIMIT @limit`,
  );
  const purgeMessage = statement(db, `UPDATE messages SET data = 'null', purged_at = ? WHERE id = ?`);
  const purgeAttempts = statement(db,
    `UPDATE attempts SET ${CLEAR_ATTEMPT_BODIES},
       purged_at = ? WHERE msg_id = ? AND purged_at IS NULL`,
  );
  const run = db.transaction(() => {
    const iso = new Date(batch.now).toISOString();
    const rows = scan.all({ now: iso, afterAt: batch.after?.expiresAt ?? null, afterId: batch.after?.id ?? null, limit: batch.limit }) as Array<{
      id: string; expires_at: string; busy: number;
    }>;
    let purged = 0;
    let attempts = 0;
    for (const r of rows) {
      if (r.busy) continue;
      purged += purgeMessage.run(iso, r.id).changes;
      attempts += purgeAttempts.run(iso, r.id).changes;
    }
    const last = rows.at(-1);
    return { scanned: rows.length, purged, attempts, last: last ? { expiresAt: last.expires_at, id: last.id } : null };
  });
  return run.immediate();
}
