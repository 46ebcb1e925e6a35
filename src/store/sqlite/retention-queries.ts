import type Database from 'better-sqlite3';
import type { PurgeBatch, PurgeResult } from '../operations.js';
import { statement } from './statement-cache.js';

// Retention: payloads and recorded bodies of old rows are cleared, their metadata kept. Each batch
// is one short write transaction, so deliveries interleave with a long purge. The scan walks the
// partial index of rows not purged yet (messages_unpurged, attempts_unpurged) in id order; ids are
// ULIDs, so `id < beforeId` is exactly "older than the cutoff".

export function sqlitePurgeMessagePayloads(db: Database.Database, batch: PurgeBatch): PurgeResult {
  const scan = statement(db, 
    `SELECT m.id, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
     FROM messages m WHERE m.purged_at IS NULL AND m.id < @before AND (@after IS NULL OR m.id > @after)
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
    `UPDATE attempts SET request = json_set(request, '$.body', NULL), response = json_set(response, '$.body', NULL),
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
