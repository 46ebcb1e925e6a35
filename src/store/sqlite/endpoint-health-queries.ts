import type Database from 'better-sqlite3';
import { streakChanges } from '../failure-streaks.js';
import type { DisabledEndpoint, FailureTracking } from '../operations.js';
import { statement } from './statement-cache.js';

// Failure streaks: one row per endpoint that is failing right now, holding when its streak began.
// Rows come and go with failures and successes; the dispatcher calls this after settling a batch.

// Cached per connection (statement-cache): this runs after every settled batch that had a failure.
function statements(db: Database.Database) {
  return {
    clear: statement(db, 'DELETE FROM endpoint_failures WHERE endpoint_id = ?'),
    // Guarded by EXISTS: the endpoint may have been deleted while its request was in flight.
    start: statement(db, 
      `INSERT INTO endpoint_failures (endpoint_id, failing_since)
       SELECT @id, @since WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = @id)
       ON CONFLICT (endpoint_id) DO NOTHING`,
    ),
    overdue: statement(db, 
      `SELECT f.endpoint_id, e.app_id, f.failing_since FROM endpoint_failures f
       JOIN endpoints e ON e.id = f.endpoint_id AND e.disabled = 0
       WHERE f.endpoint_id = ? AND f.failing_since <= ?`,
    ),
    disable: statement(db, 'UPDATE endpoints SET disabled = 1, updated_at = ? WHERE id = ?'),
  };
}

export function sqliteTrackEndpointFailures(db: Database.Database, input: FailureTracking): DisabledEndpoint[] {
  const changes = streakChanges(input.outcomes);
  if (changes.length === 0) return [];
  const { clear, start, overdue, disable } = statements(db);
  const run = db.transaction(() => {
    const disabled: DisabledEndpoint[] = [];
    for (const c of changes) {
      if (c.cleared) clear.run(c.endpointId);
      if (c.failingSince === null) continue;
      start.run({ id: c.endpointId, since: c.failingSince });
      const row = overdue.get(c.endpointId, input.disableIfFailingSince) as { endpoint_id: string; app_id: string; failing_since: number } | undefined;
      if (!row) continue;
      disable.run(new Date(input.now).toISOString(), row.endpoint_id);
      // Re-enabled later, the endpoint starts with a clean record.
      clear.run(row.endpoint_id);
      disabled.push({ endpointId: row.endpoint_id, appId: row.app_id, failingSince: Number(row.failing_since) });
    }
    return disabled;
  });
  return run.immediate();
}
