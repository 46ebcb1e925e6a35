import type { Message } from '../../domain/model.js';
import { rowToMessage } from '../rows.js';
import type { SqlRunner } from '../sql-runner.js';
import type { ReplayScope } from '../operations.js';

// Svix's replay-missing: the app's messages created in [since, until) that never had a delivery to
// the endpoint (a failed one counts as had: recover is for those), payload not purged. Walked by id
// on messages_by_app (app_id, id); a message has a handful of deliveries (deliveries_by_message).
// Whether the endpoint's filters take a message is decided by the caller, with fan-out's rules.

const MISSING = `
  FROM messages m
  WHERE m.app_id = $1 AND m.purged_at IS NULL AND m.created_at >= $3 AND ($4::text IS NULL OR m.created_at < $4)
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.endpoint_id = $2)`;

/** The next `limit` such messages after `afterMsgId` (null: from the first), in id order. */
export async function listMissingMessages(sql: SqlRunner, scope: ReplayScope, afterMsgId: string | null, limit: number): Promise<Message[]> {
  const rows = await sql.rows(
    `SELECT m.* ${MISSING} AND ($5::text IS NULL OR m.id > $5) ORDER BY m.id LIMIT $6`,
    [scope.appId, scope.endpointId, scope.since, scope.until ?? null, afterMsgId, limit],
  );
  return rows.map((r) => rowToMessage(r));
}

/** How many there are (before the endpoint's filters): a replay task's first estimate. */
export async function countMissingMessages(sql: SqlRunner, scope: ReplayScope): Promise<number> {
  const [row] = await sql.rows(`SELECT count(*) AS n ${MISSING}`, [scope.appId, scope.endpointId, scope.since, scope.until ?? null]);
  return Number(row!.n);
}
