import type { Pool } from 'pg';
import type { PurgeBatch, PurgeResult } from '../operations.js';
import type { ExpiredPayloadBatch, ExpiredPayloadResult } from '../payload-expiry.js';

// Retention (see sqlite/retention-queries.ts): one statement per batch. SKIP LOCKED: rows another
// process is purging (or settling) right now are left to it rather than waited for.

type Row = { scanned: string; purged: string; last_id: string | null };

const result = (r: Row): PurgeResult => ({ scanned: Number(r.scanned), purged: Number(r.purged), lastId: r.last_id });

/**
 * How every purge clears an attempt's recorded bodies (they carry the payload as sent): the server-wide
 * retention, a message's own retention and an expunge (expunge-queries.ts) all use this. `a` is attempts.
 */
export const CLEAR_ATTEMPT_BODIES = `request = jsonb_set(a.request::jsonb, '{body}', 'null')::text,
         response = CASE WHEN a.response IS NULL THEN NULL ELSE jsonb_set(a.response::jsonb, '{body}', 'null')::text END`;

export async function pgPurgeMessagePayloads(pool: Pool, batch: PurgeBatch): Promise<PurgeResult> {
  const { rows } = await pool.query<Row>(
    `WITH batch AS (
       SELECT m.id, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
       FROM messages m WHERE m.purged_at IS NULL AND m.payload_expires_at IS NULL AND m.id < $1 AND ($2::text IS NULL OR m.id > $2)
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
         ${CLEAR_ATTEMPT_BODIES},
         purged_at = $4
       FROM batch WHERE a.id = batch.id RETURNING a.id
     )
     SELECT (SELECT count(*) FROM batch) AS scanned, (SELECT count(*) FROM purged) AS purged,
       (SELECT max(id) FROM batch) AS last_id`,
    [batch.beforeId, batch.afterId, batch.limit, new Date(batch.now).toISOString()],
  );
  return result(rows[0]!);
}

/** See sqlitePurgeExpiredPayloads: messages past their own payload retention, and their attempts' bodies. */
export async function pgPurgeExpiredPayloads(pool: Pool, batch: ExpiredPayloadBatch): Promise<ExpiredPayloadResult> {
  const { rows } = await pool.query<{ scanned: string; purged: string; attempts: string; last_at: string | null; last_id: string | null }>(
    `WITH batch AS (
       SELECT m.id, m.payload_expires_at,
         EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
       FROM messages m
       WHERE m.purged_at IS NULL AND m.payload_expires_at IS NOT NULL AND m.payload_expires_at <= $1
         AND ($2::text IS NULL OR (m.payload_expires_at, m.id) > ($2::text, $3::text))
       ORDER BY m.payload_expires_at, m.id LIMIT $4 FOR UPDATE OF m SKIP LOCKED
     ), purged AS (
       UPDATE messages m SET data = 'null', purged_at = $1 FROM batch
       WHERE m.id = batch.id AND NOT batch.busy RETURNING m.id
     ), attempts AS (
       UPDATE attempts a SET
         ${CLEAR_ATTEMPT_BODIES},
         purged_at = $1
       FROM purged WHERE a.msg_id = purged.id AND a.purged_at IS NULL RETURNING a.id
     ), last AS (
       SELECT payload_expires_at, id FROM batch ORDER BY payload_expires_at DESC, id DESC LIMIT 1
     )
     SELECT (SELECT count(*) FROM batch) AS scanned, (SELECT count(*) FROM purged) AS purged,
       (SELECT count(*) FROM attempts) AS attempts,
       (SELECT payload_expires_at FROM last) AS last_at, (SELECT id FROM last) AS last_id`,
    [new Date(batch.now).toISOString(), batch.after?.expiresAt ?? null, batch.after?.id ?? null, batch.limit],
  );
  const r = rows[0]!;
  return {
    scanned: Number(r.scanned), purged: Number(r.purged), attempts: Number(r.attempts),
    last: r.last_at !== null && r.last_id !== null ? { expiresAt: r.last_at, id: r.last_id } : null,
  };
}
