import type { Pool } from 'pg';
import type { ExpungeOutcome } from '../payload-expiry.js';
import { CLEAR_ATTEMPT_BODIES } from './retention-queries.js';

// See sqlite/expunge-queries.ts. One statement: the message row is locked (FOR UPDATE) while its
// pending deliveries are looked at, so a resend (createDelivery: FOR SHARE on a message not purged)
// either comes first and is seen here, or waits and then finds the message purged.

export async function pgExpungeMessageContent(pool: Pool, appId: string, msgId: string, now: number): Promise<ExpungeOutcome> {
  const { rows } = await pool.query<{ purged_at: string | null; busy: boolean }>(
    `WITH target AS (
       SELECT m.id, m.purged_at, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
       FROM messages m WHERE m.id = $1 AND m.app_id = $2 FOR UPDATE OF m
     ), purged AS (
       UPDATE messages m SET data = 'null', purged_at = $3, payload_expires_at = $3 FROM target
       WHERE m.id = target.id AND target.purged_at IS NULL AND NOT target.busy RETURNING m.id
     ), deferred AS (
       UPDATE messages m SET payload_expires_at = $3 FROM target
       WHERE m.id = target.id AND target.purged_at IS NULL AND target.busy
         AND (m.payload_expires_at IS NULL OR m.payload_expires_at > $3) RETURNING m.id
     ), attempts AS (
       UPDATE attempts a SET
         ${CLEAR_ATTEMPT_BODIES},
         purged_at = $3
       FROM purged WHERE a.msg_id = purged.id AND a.purged_at IS NULL RETURNING a.id
     )
     -- Data-modifying CTEs run whether or not the final SELECT reads them.
     SELECT purged_at, busy FROM target`,
    [msgId, appId, new Date(now).toISOString()],
  );
  const row = rows[0];
  if (!row) return 'not_found';
  return row.purged_at === null && row.busy ? 'deferred' : 'expunged';
}
