import { idFloorAt } from '../../domain/id-time.js';
import type { Attempt, DeliveryStatus, Message } from '../../domain/model.js';
import { pendingCursor, type DeliveryRecord, type EntityRef, type HourlyAttemptStats } from '../insights.js';
import { keysetOrder, toPage } from '../paginate.js';
import { rowToAttempt, rowToMessage, type Row } from '../rows.js';
import { withRebuiltRequestBodies } from '../attempt-request-bodies.js';
import type { SqlRunner } from '../sql-runner.js';
import type { AttemptQuery, MessageQuery, Page, PageRequest, PendingDeliveryQuery } from '../store.js';

// What the API and the dashboard read back: messages and attempts. Not on the delivery path.

/**
 * `AND <expr> IN (…)` over a scoped portal link's event types (MessageQuery.eventTypes), its
 * placeholders numbered from `from`; nothing when the list is not limited.
 */
function typesIn(expr: string, types: readonly string[] | undefined, from: number): { sql: string; params: (string | null)[] } {
  if (!types) return { sql: '', params: [] };
  // An empty list sees nothing: IN () is not SQL, and NULL matches no row.
  const list = types.length ? [...types] : [null];
  return { sql: ` AND ${expr} IN (${list.map((_, i) => `$${from + i}`).join(', ')})`, params: list };
}

/**
 * Deliveries (rows of `from`) with their message's type and their latest attempt (LEFT JOIN: none
 * before the first is settled), found through attempts_by_message (msg_id, id): only that message's attempts are read.
 */
function deliveriesWithLastAttempt(from: string): string {
  return `SELECT d.id, d.msg_id, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, d.created_at,
    m.event_type, a.created_at AS last_at, a.response_status AS last_status, a.error AS last_error
  FROM ${from} d JOIN messages m ON m.id = d.msg_id
  LEFT JOIN attempts a ON a.msg_id = d.msg_id AND a.id = (
    SELECT max(b.id) FROM attempts b WHERE b.msg_id = d.msg_id AND b.delivery_id = d.id)`;
}

function rowToDeliveryRecord(r: Row): DeliveryRecord {
  return {
    id: r.id, msgId: r.msg_id, endpointId: r.endpoint_id, eventType: r.event_type, status: r.status,
    // PostgreSQL answers BIGINT as text.
    attempts: Number(r.attempts), nextAttemptAt: Number(r.next_attempt_at), createdAt: r.created_at,
    lastAttempt: r.last_at === null || r.last_at === undefined
      ? null
      : { createdAt: r.last_at, responseStatus: r.last_status === null ? null : Number(r.last_status), error: r.last_error ?? null },
  };
}

/** An attempt row with its delivery's `manual` flag (NULL: the delivery is gone, read as not by hand). */
function rowToAttemptWithTrigger(r: Row): Attempt {
  const attempt = rowToAttempt(r);
  // PostgreSQL answers SMALLINT as a number, SQLite INTEGER too; Number() for either.
  if (Number(r.delivery_manual) === 1) attempt.manual = true;
  return attempt;
}

/** Ids and created_at come from the clock a moment apart; the margin keeps rows at the window's edge in. */
const ID_MARGIN_MS = 10 * 60_000;

export class CatalogueReads {
  constructor(private readonly sql: SqlRunner) {}

  async getMessage(appId: string, msgId: string): Promise<Message | null> {
    const [row] = await this.sql.rows('SELECT * FROM messages WHERE app_id = $1 AND id = $2', [appId, msgId]);
    return row ? rowToMessage(row) : null;
  }

  /** Through messages_by_event_key: the claim, not event_id, so the look-up is indexed and finds one message. */
  async getMessageByEventId(appId: string, eventId: string): Promise<Message | null> {
    const [row] = await this.sql.rows('SELECT * FROM messages WHERE app_id = $1 AND event_key = $2', [appId, eventId]);
    return row ? rowToMessage(row) : null;
  }

  async listMessages(appId: string, query: MessageQuery): Promise<Page<Message>> {
    const types = typesIn('event_type', query.eventTypes, 9);
    // A channel is an element of the JSON list: quoted, it cannot match part of another name (names
    // hold no quotes). replace() rather than LIKE: SQLite's LIKE ignores case, channels do not.
    const channel = query.channel === undefined ? null : JSON.stringify(query.channel);
    // Svix's tags (migration 25) the same way: a quoted element of the JSON list.
    const tag = query.tag === undefined ? null : JSON.stringify(query.tag);
    const { beyond, dir } = keysetOrder(query.order);
    const rows = await this.sql.rows(
      `SELECT * FROM messages WHERE app_id = $1 AND ($2::text IS NULL OR id ${beyond} $2)
         AND ($3::text IS NULL OR event_type = $3)
         AND ($5::text IS NULL OR created_at < $5) AND ($6::text IS NULL OR created_at > $6)
         AND ($7::text IS NULL OR (channels IS NOT NULL AND replace(channels, $7, '') <> channels))
         AND ($8::text IS NULL OR (tags IS NOT NULL AND replace(tags, $8, '') <> tags))${types.sql}
       ORDER BY id ${dir} LIMIT $4`,
      [appId, query.iterator ?? null, query.eventType ?? null, query.limit + 1, query.before ?? null, query.after ?? null, channel, tag, ...types.params],
    );
    return toPage(rows.map((r) => rowToMessage(r)), query.limit);
  }

  /**
   * Messages about one entity, newest first, through the messages_by_entity index (migration 8).
   * Entity ids are stored JSON-encoded (rows.ts), so 25 and "25" are different values: the
   * caller lists the spellings it wants.
   */
  async listMessagesByEntity(appId: string, entity: EntityRef, page: PageRequest & Pick<MessageQuery, 'eventTypes'>): Promise<Page<Message>> {
    if (entity.ids.length === 0) return { data: [], iterator: null, done: true };
    const ids = entity.ids.map((_, i) => `$${i + 5}`).join(', ');
    const types = typesIn('event_type', page.eventTypes, 5 + entity.ids.length);
    const rows = await this.sql.rows(
      `SELECT * FROM messages WHERE app_id = $1 AND entity_type = $2 AND entity_id IN (${ids})
         AND ($3::text IS NULL OR id < $3)${types.sql}
       ORDER BY id DESC LIMIT $4`,
      [appId, entity.type, page.iterator ?? null, page.limit + 1, ...entity.ids.map((id) => JSON.stringify(id)), ...types.params],
    );
    return toPage(rows.map((r) => rowToMessage(r)), page.limit);
  }

  /**
   * Attempts since `since` (ISO) grouped by UTC hour. `created_at` is ISO 8601 in UTC, so its first
   * 13 characters name the hour and compare in time order as text. Ids start with their creation
   * time, so an id floor turns the attempts_by_endpoint (endpoint_id, id) index into a range scan
   * over the last day only, however long the endpoint's history.
   */
  async hourlyAttemptStats(appId: string, endpointId: string, since: string): Promise<HourlyAttemptStats[]> {
    const rows = await this.sql.rows(
      `SELECT substr(created_at, 1, 13) AS hour_prefix, count(*) AS attempts,
         sum(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS successes,
         sum(duration_ms) AS total_ms, max(duration_ms) AS max_ms
       FROM attempts WHERE endpoint_id = $1 AND id >= $2 AND app_id = $3 AND created_at >= $4
       GROUP BY substr(created_at, 1, 13) ORDER BY hour_prefix`,
      [endpointId, idFloorAt('atm', Date.parse(since) - ID_MARGIN_MS), appId, since],
    );
    // PostgreSQL returns counts and sums (BIGINT, NUMERIC) as text.
    return rows.map((r) => ({
      hour: `${r.hour_prefix}:00:00.000Z`,
      attempts: Number(r.attempts),
      successes: Number(r.successes),
      totalDurationMs: Number(r.total_ms),
      maxDurationMs: Number(r.max_ms),
    }));
  }

  /**
   * Deliveries to one endpoint per status, created in [since, until), through the
   * deliveries_by_endpoint (endpoint_id, status) index. No id floor as hourlyAttemptStats has: the
   * range is often the endpoint's whole life (no since), and retention bounds the rows it keeps.
   */
  async deliveryStatusCounts(appId: string, endpointId: string, since: string | null, until: string | null): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.sql.rows(
      `SELECT status, count(*) AS n FROM deliveries
       WHERE endpoint_id = $1 AND app_id = $2
         AND ($3::text IS NULL OR created_at >= $3) AND ($4::text IS NULL OR created_at < $4)
       GROUP BY status`,
      [endpointId, appId, since, until],
    );
    const counts: Record<DeliveryStatus, number> = { pending: 0, success: 0, failed: 0, cancelled: 0 };
    // PostgreSQL returns count(*) (BIGINT) as text.
    for (const r of rows) if (String(r.status) in counts) counts[r.status as DeliveryStatus] = Number(r.n);
    return counts;
  }

  async listAttempts(column: 'msg_id' | 'endpoint_id', appId: string, value: string, q: AttemptQuery): Promise<Page<Attempt>> {
    const types = typesIn('(SELECT m.event_type FROM messages m WHERE m.app_id = $2 AND m.id = attempts.msg_id)', q.eventTypes, 13);
    // The channel as one quoted element of the message's JSON list (see listMessages).
    const channel = q.channel === undefined ? null : JSON.stringify(q.channel);
    const { beyond, dir } = keysetOrder(q.order);
    // Its delivery's `manual` (migration 22) by primary key, for the page's rows only.
    const rows = await this.sql.rows(
      `SELECT attempts.*, (SELECT d.manual FROM deliveries d WHERE d.id = attempts.delivery_id) AS delivery_manual
       FROM attempts WHERE ${column} = $1 AND app_id = $2
         AND ($3::text IS NULL OR id ${beyond} $3) AND ($4::text IS NULL OR status = $4)
         AND ($6::text IS NULL OR endpoint_id = $6)
         AND ($7::text IS NULL OR created_at < $7) AND ($8::text IS NULL OR created_at > $8)
         AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.app_id = $2 AND m.id = attempts.msg_id
           AND m.channels IS NOT NULL AND replace(m.channels, $10, '') <> m.channels))
         AND ($11::integer IS NULL OR coalesce(response_status, 0) / 100 * 100 = $11::integer)
         AND ($12::text IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.app_id = $2 AND m.id = attempts.msg_id
           AND m.tags IS NOT NULL AND replace(m.tags, $12, '') <> m.tags))${types.sql}
       ORDER BY id ${dir} LIMIT $5`,
      [
        value, appId, q.iterator ?? null, q.status ?? null, q.limit + 1, q.endpointId ?? null, q.before ?? null, q.after ?? null, channel, channel,
        q.statusCodeClass ?? null, q.tag === undefined ? null : JSON.stringify(q.tag), ...types.params,
      ],
    );
    return toPage(await withRebuiltRequestBodies(this.sql, rows.map(rowToAttemptWithTrigger)), q.limit);
  }

  /**
   * The current delivery to each endpoint of each of these messages, for a whole page of messages
   * in one query over deliveries_by_message. A resend or a recovery adds a newer delivery for the
   * same message and endpoint: only the newest counts (picked here rather than with a NOT EXISTS,
   * which PostgreSQL planned over the endpoint's whole history), so a resent message that got
   * through is delivered.
   */
  async currentDeliveries(appId: string, msgIds: readonly string[]): Promise<DeliveryRecord[]> {
    if (msgIds.length === 0) return [];
    const ids = msgIds.map((_, i) => `$${i + 2}`).join(', ');
    const rows = await this.sql.rows(
      `${deliveriesWithLastAttempt('deliveries')}
       WHERE d.msg_id IN (${ids}) AND d.app_id = $1
       ORDER BY d.msg_id, d.endpoint_id, d.id`,
      [appId, ...msgIds],
    );
    const newest = new Map<string, DeliveryRecord>();
    // Ordered by id within each pair: the last one seen is the newest.
    for (const r of rows) newest.set(`${r.msg_id} ${r.endpoint_id}`, rowToDeliveryRecord(r));
    return [...newest.values()];
  }

  /**
   * One endpoint's deliveries still to be sent, the soonest due first, through the partial index
   * on pending deliveries by (endpoint_id, next_attempt_at): a backlog of any size costs one page.
   * The cursor is the last row's (next_attempt_at, id); `iterator` of the answer spells it.
   */
  async listPendingDeliveries(appId: string, endpointId: string, q: PendingDeliveryQuery): Promise<Page<DeliveryRecord>> {
    const types = typesIn('(SELECT t.event_type FROM messages t WHERE t.id = p.msg_id)', q.eventTypes, 6);
    // The page is picked from deliveries alone, then joined: joining first made PostgreSQL join a
    // whole backlog (20,000 rows: 190 ms) before keeping 50.
    const rows = await this.sql.rows(
      `${deliveriesWithLastAttempt(`(SELECT p.* FROM deliveries p
         WHERE p.endpoint_id = $1 AND p.status = 'pending' AND p.app_id = $2
           AND ($3::bigint IS NULL OR p.next_attempt_at > $3 OR (p.next_attempt_at = $3 AND p.id > $4))${types.sql}
         ORDER BY p.next_attempt_at, p.id LIMIT $5)`)}
       ORDER BY d.next_attempt_at, d.id`,
      [endpointId, appId, q.after?.nextAttemptAt ?? null, q.after?.id ?? null, q.limit + 1, ...types.params],
    );
    const data = rows.slice(0, q.limit).map(rowToDeliveryRecord);
    const done = rows.length <= q.limit;
    const last = data[data.length - 1];
    return { data, done, iterator: last && !done ? pendingCursor(last) : null };
  }
}

