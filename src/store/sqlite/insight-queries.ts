import type Database from 'better-sqlite3';
import { idFloorAt } from '../../domain/id-time.js';
import type { Message } from '../../domain/model.js';
import type { EntityRef, HourlyAttemptStats } from '../insights.js';
import { toPage } from '../paginate.js';
import type { Page, PageRequest } from '../store.js';
import { rowToMessage } from '../rows.js';
import { statement } from './statement-cache.js';

// Dashboard reads. Not on the delivery path, so statements are prepared per call.

/** Ids and created_at come from the clock a moment apart; the margin keeps rows at the window's edge in. */
const ID_MARGIN_MS = 10 * 60_000;

/**
 * Attempts since `since` (ISO) grouped by UTC hour. `created_at` is ISO 8601 in UTC, so its first
 * 13 characters name the hour and compare in time order as text. Ids start with their creation
 * time, so an id floor turns the attempts_by_endpoint (endpoint_id, id) index into a range scan
 * over the last day only, however long the endpoint's history.
 */
export function sqliteHourlyAttemptStats(db: Database.Database, appId: string, endpointId: string, since: string): HourlyAttemptStats[] {
  const rows = statement(db, 
    `SELECT substr(created_at, 1, 13) AS hour, count(*) AS attempts,
       sum(status = 'success') AS successes, sum(duration_ms) AS total, max(duration_ms) AS max
     FROM attempts WHERE endpoint_id = @endpointId AND id >= @floor AND app_id = @appId AND created_at >= @since
     GROUP BY hour ORDER BY hour`,
  ).all({ appId, endpointId, since, floor: idFloorAt('atm', Date.parse(since) - ID_MARGIN_MS) }) as Array<{ hour: string; attempts: number; successes: number; total: number; max: number }>;
  return rows.map((r) => ({
    hour: `${r.hour}:00:00.000Z`,
    attempts: r.attempts,
    successes: r.successes,
    totalDurationMs: r.total,
    maxDurationMs: r.max,
  }));
}

/** Messages about one entity, newest first. Entity ids are stored JSON-encoded (rows.ts). */
export function sqliteMessagesByEntity(db: Database.Database, appId: string, entity: EntityRef, page: PageRequest): Page<Message> {
  const rows = statement(db, 
    `SELECT * FROM messages WHERE app_id = @appId AND entity_type = @type
       AND entity_id IN (SELECT value FROM json_each(@ids))
       AND (@iterator IS NULL OR id < @iterator)
     ORDER BY id DESC LIMIT @limit`,
  ).all({
    appId,
    type: entity.type,
    ids: JSON.stringify(entity.ids.map((id) => JSON.stringify(id))),
    iterator: page.iterator ?? null,
    limit: page.limit + 1,
  });
  return toPage(rows.map((r) => rowToMessage(r as object)), page.limit);
}
