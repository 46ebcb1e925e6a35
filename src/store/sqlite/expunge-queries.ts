import type Database from 'better-sqlite3';
import type { ExpungeOutcome } from '../payload-expiry.js';
import { CLEAR_ATTEMPT_BODIES } from './retention-queries.js';
import { statement } from './statement-cache.js';

// Expunging one message's content at once: what the retention purge does to a message whose own
// retention is over (retention-queries.ts), for this message now. A message with a pending delivery
// keeps its payload (it is still to be sent: the delivery reads it), as under retention; its own
// retention is set to now instead, so the purger's next pass clears it once the deliveries settle.

export function sqliteExpungeMessageContent(db: Database.Database, appId: string, msgId: string, now: number): ExpungeOutcome {
  const find = statement(db,
    `SELECT m.purged_at, EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.status = 'pending') AS busy
     FROM messages m WHERE m.id = ? AND m.app_id = ?`,
  );
  const purgeMessage = statement(db, `UPDATE messages SET data = 'null', purged_at = @now, payload_expires_at = @now WHERE id = @id`);
  const purgeAttempts = statement(db,
    `UPDATE attempts SET ${CLEAR_ATTEMPT_BODIES},
       purged_at = ? WHERE msg_id = ? AND purged_at IS NULL`,
  );
  const expireNow = statement(db,
    `UPDATE messages SET payload_expires_at = @now WHERE id = @id AND (payload_expires_at IS NULL OR payload_expires_at > @now)`,
  );
  const run = db.transaction((): ExpungeOutcome => {
    const row = find.get(msgId, appId) as { purged_at: string | null; busy: number } | undefined;
    if (!row) return 'not_found';
    if (row.purged_at) return 'expunged';
    const iso = new Date(now).toISOString();
    if (row.busy) {
      expireNow.run({ now: iso, id: msgId });
      return 'deferred';
    }
    purgeMessage.run({ now: iso, id: msgId });
    purgeAttempts.run(iso, msgId);
    return 'expunged';
  });
  return run.immediate();
}
