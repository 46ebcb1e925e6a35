import type { Pool } from 'pg';
import type { PurgeBatch, PurgeResult } from '../operations.js';

// Retention (see sqlite/retention-queries.ts): one statement per batch. SKIP LOCKED: rows another
// process is purging (or settling) right now are left to it rather than waited for.

type Row = { scanned: string; purged: string; last_id: string | null };

const result = (r: Row): PurgeResult => ({ scanned: Number(r.scanned), purged: Number(r.purged), lastId: r.last_id });

export async function pgPurgeMessagePayloads(pool: Pool, batch: PurgeBatch): Promise<PurgeResult> {
  const { rows } = await pool.query<Row>(
    `WITH batch AS (
       SELECT m.id, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
       FROM messages m WHERE m.purged_at IS NULL AND m.id < $1 AND ($2::text IS NULL OR m.id > $2)
       ORDER BY m.id LIMIT $3 FOR UPDATE OF m SKIP LOCKED
     ), purged AS (
       UPDATE messages m SET data = 'null', purged_at = $4 FROM batch
       WHERE m.id = batch.id AND NOT batch.busy RETURNING m.id
     )
     SELECT (SELECT count(*) FROM batch) AS scanned, (SELECT count(*) FROM purged) AS purged,
       (SELECT max(id) FROM batch) AS last_id`,
    [batch.beforeId, batch.afterId, batch.limit, new Date(batch.now).toISOString()],
  );
  return result(rows[0]!);
}

export async function pgPurgeAttemptBodies(pool: Pool, batch: PurgeBatch): Promise<PurgeResult> {
  const { rows } = await pool.query<Row>(
    `WITH batch AS (
       SELECT id FROM attempts WHERE purged_at IS NULL AND id < $1 AND ($2::text IS NULL OR id > $2)
       ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED
     ), purged AS (
       UPDATE attempts a SET
         request = jsonb_set(a.request::jsonb, '{body}', 'null')::text,
         response = CASE WHEN a.response IS NULL THEN NULL ELSE jsonb_set(a.response::jsonb, '{body}', 'null')::text END,
         purged_at = $4
       FROM batch WHERE a.id = batch.id RETURNING a.id
     )
     SELECT (SELECT count(*) FROM batch) AS scanned, (SELECT count(*) FROM purged) AS purged,
       (SELECT max(id) FROM batch) AS last_id`,
    [batch.beforeId, batch.afterId, batch.limit, new Date(batch.now).toISOString()],
  );
  return result(rows[0]!);
}
