import type { Pool, PoolClient } from 'pg';
import { newId } from '../../domain/ids.js';
import { deliveryOrderingKey } from '../../domain/ordering.js';
import { firstDueAt } from '../../domain/deliver-at.js';
import type { Message } from '../../domain/model.js';
import { FilterRun, fanOutAccepts, toFanOutTarget, type FanOutRow, type FanOutTarget } from '../fan-out.js';
import { messageToRow, rowToMessage } from '../rows.js';
import type { PublishInput, PublishResult } from '../store.js';
import { jsonWithoutNul, pgText } from './connection.js';
import { inTransaction } from './sql.js';
import type { AuditEntry } from '../../domain/operators.js';
import { auditToRow } from '../catalogue/operator-records.js';
import { publishHandingOff, type PostgresHandOff } from './publish-hand-off.js';

/** The channel every Herald process LISTENs on; the payload names the schema the work is in. */
export const WORK_CHANNEL = 'herald_work';

/** An endpoint of an app in the batch; disabled ones still take test events that name them. */
export interface Candidate extends FanOutTarget {
  disabled: boolean;
}

/**
 * The two claims a message may hold, each unique per app while its window lasts: the idempotency
 * key and the publisher's event id (event_key). Both answer a repeat the same way.
 */
const KEY_COLUMNS = ['idempotency_key', 'event_key'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];
const keyValue = (m: Message, column: KeyColumn) => (column === 'idempotency_key' ? m.idempotencyKey : (m.eventId ?? null));

/** The message's claims, as `column\napp\nkey`; keys compare as PostgreSQL stores them (NUL replaced, see NulSafeClient). */
function keysOf(m: Message): string[] {
  const keys: string[] = [];
  for (const column of KEY_COLUMNS) {
    const value = keyValue(m, column);
    if (value !== null) keys.push(`${column}\n${m.appId}\n${pgText(value)}`);
  }
  return keys;
}
const columnOf = (key: string) => key.slice(0, key.indexOf('\n')) as KeyColumn;

/**
 * The most messages a publish hands off to the local loop (publish-hand-off.ts). A hand-off holds its
 * endpoints' gates until it commits, and claims skip an endpoint whose gate is held: a batch of
 * hundreds held them long enough to starve the claims that serve the rest of its deliveries
 * (batches of 500 to one endpoint: ×0.44 → ×0.31 of the peer; e2e −6 %). Single publishes grouped
 * together stay well under it.
 */
const HAND_OFF_MAX_MESSAGES = 64;

/**
 * A batch of publishes in one transaction and a fixed number of statements, whatever its size:
 * messages, then one delivery per matching endpoint, then a NOTIFY that PostgreSQL delivers
 * only if the transaction commits, so a worker woken by it always finds the rows.
 */
export function publishManyPostgres(
  pool: Pool, inputs: PublishInput[], schemaKey: string, handOff?: PostgresHandOff, audit: readonly AuditEntry[] = [],
): Promise<PublishResult[]> {
  if (inputs.length === 0) return audit.length === 0 ? Promise.resolve([]) : pool.query(`WITH ${AUDITED_CTE('$1')} SELECT 1`, [auditJson(audit)]).then(() => []);
  if (inputs.every((i) => keysOf(i.message).length === 0)) {
    // Publishes with keys leave their deliveries to the claim, and so do large ones (HAND_OFF_MAX_MESSAGES).
    return handOff && inputs.length <= HAND_OFF_MAX_MESSAGES
      ? publishHandingOff(pool, inputs, schemaKey, handOff, audit)
      : publishWithoutKeys(pool, inputs, schemaKey, audit);
  }
  return inTransaction(pool, async (client) => {
    const results: Array<PublishResult | undefined> = new Array(inputs.length);
    const earlier = await messagesByKey(client, inputs.map((i) => i.message), true);
    const stale: Record<KeyColumn, string[]> = { idempotency_key: [], event_key: [] };
    const firstWithKey = new Map<string, number>();
    /** Later inputs of this batch repeating a key: they get whatever the first one got. */
    const repeats = new Map<number, number>();
    const fresh: number[] = [];
    inputs.forEach((input, i) => {
      const keys = keysOf(input.message);
      if (keys.length === 0) return void fresh.push(i);
      const found = keys.map((key) => earlier.get(key)).find((m) => m && Date.parse(m.createdAt) >= input.idempotencySince);
      const first = keys.map((key) => firstWithKey.get(key)).find((n) => n !== undefined);
      if (found) {
        results[i] = { message: found, created: false, deliveryCount: 0 };
      } else if (first !== undefined) {
        repeats.set(i, first);
      } else {
        for (const key of keys) {
          // An earlier message whose 24 h window is over gives its key up to this one.
          const old = earlier.get(key);
          if (old) stale[columnOf(key)].push(old.id);
          firstWithKey.set(key, i);
        }
        fresh.push(i);
      }
    });
    for (const column of KEY_COLUMNS) {
      if (stale[column].length > 0) await client.query(`UPDATE messages SET ${column} = NULL WHERE id = ANY($1::text[])`, [stale[column]]);
    }

    const inserted = await insertMessages(client, fresh.map((i) => inputs[i]!.message));
    const lostRace = fresh.filter((i) => !inserted.has(inputs[i]!.message.id));
    if (lostRace.length > 0) {
      // A concurrent publish with the same key or event id committed first (ON CONFLICT waited for it).
      const winners = await messagesByKey(client, lostRace.map((i) => inputs[i]!.message), false);
      for (const i of lostRace) {
        const winner = keysOf(inputs[i]!.message).map((key) => winners.get(key)).find(Boolean);
        if (!winner) throw new Error('idempotency key conflict without a visible message');
        results[i] = { message: winner, created: false, deliveryCount: 0 };
      }
    }

    const created = fresh.filter((i) => inserted.has(inputs[i]!.message.id));
    const createdInputs = created.map((i) => inputs[i]!);
    const planned = planDeliveries(createdInputs, await endpointsFor(client, createdInputs));
    created.forEach((i, n) => (results[i] = planned.results[n]));
    if (planned.deliveries.ids.length > 0) {
      await client.query(`WITH ${deliveriesCte(1)} SELECT pg_notify($8, $9)`, [...deliveryColumns(planned.deliveries), WORK_CHANNEL, schemaKey]);
    }
    await recordFilterErrors(client, planned.filters);
    if (audit.length > 0) await client.query(`INSERT INTO audit_log SELECT * FROM json_populate_recordset(NULL::audit_log, $1::json)`, [auditJson(audit)]);
    for (const [i, first] of repeats) results[i] = { message: results[first]!.message, created: false, deliveryCount: 0 };
    return results as PublishResult[];
  });
}

/**
 * The common case, no idempotency key in the batch: nothing to look up or lock first, so the
 * messages, their deliveries and the NOTIFY go in one statement (one implicit transaction) after
 * one read of the endpoints. Two round trips instead of five: on a busy machine each round trip
 * costs a write to the server and a wake-up of its backend.
 */
// PREPARED: the hot statements (this one, the claim's two, settle, the dispatcher's next-due probe)
// are named, so pg prepares each once per connection and the server stops parsing and planning
// them on every call: that was a tenth of its backends' time under the e2e benchmark.
async function publishWithoutKeys(pool: Pool, inputs: PublishInput[], schemaKey: string, audit: readonly AuditEntry[]): Promise<PublishResult[]> {
  const planned = planDeliveries(inputs, await endpointsFor(pool, inputs));
  await pool.query({
    name: 'herald_publish',
    text: `WITH inserted AS (
       INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)
     ), ${deliveriesCte(2)}, ${AUDITED_CTE('$11')}
     SELECT pg_notify($9, $10) WHERE cardinality($2::text[]) > 0`,
    values: [jsonWithoutNul(inputs.map((i) => messageToRow(i.message))), ...deliveryColumns(planned.deliveries), WORK_CHANNEL, schemaKey, auditJson(audit)],
  });
  // After the publish, not in its statement: the counts are a diagnosis, and a batch without filter
  // errors (nearly all) must not pay for a third CTE. The messages are committed by now: failing the
  // request over a lost count would make the client publish them again.
  await recordFilterErrors(pool, planned.filters).catch(() => undefined);
  return planned.results;
}

/** Audit entries riding on a publish (store.ts publishMany), inserted by a CTE reading them from `param`. */
export const AUDITED_CTE = (param: string) => `audited AS (INSERT INTO audit_log SELECT * FROM json_populate_recordset(NULL::audit_log, ${param}::json))`;
export const auditJson = (audit: readonly AuditEntry[]) => jsonWithoutNul(audit.map(auditToRow));

export interface PlannedDeliveries {
  ids: string[]; msgIds: string[]; endpointIds: string[]; appIds: string[]; dueAt: number[]; createdAt: string[]; orderingKeys: Array<string | null>;
}

/** One delivery per matching endpoint of each (newly created) message, and each message's result. */
export function planDeliveries(created: PublishInput[], candidates: Map<string, Candidate[]>) {
  const deliveries: PlannedDeliveries = { ids: [], msgIds: [], endpointIds: [], appIds: [], dueAt: [], createdAt: [], orderingKeys: [] };
  const filters = new FilterRun();
  const results = created.map((input): PublishResult => {
    const targets = matchingEndpoints(input, candidates.get(input.message.appId) ?? [], filters);
    for (const ep of targets) {
      deliveries.ids.push(newId('dlv'));
      deliveries.msgIds.push(input.message.id);
      deliveries.endpointIds.push(ep.id);
      deliveries.appIds.push(input.message.appId);
      deliveries.dueAt.push(firstDueAt(input.message, input.now));
      deliveries.createdAt.push(input.message.createdAt);
      deliveries.orderingKeys.push(deliveryOrderingKey(ep.ordering, input.message.orderingKey));
    }
    const filterErrors = filters.errorsOf(input.message.id);
    const result: PublishResult = { message: input.message, created: true, deliveryCount: targets.length };
    return filterErrors > 0 ? { ...result, filterErrors } : result;
  });
  return { deliveries, results, filters };
}

/** The seven array parameters deliveriesCte reads, in its order. */
export const deliveryColumns = (d: PlannedDeliveries) => [d.ids, d.msgIds, d.endpointIds, d.appIds, d.dueAt, d.createdAt, d.orderingKeys];

/** A CTE inserting the planned deliveries from the seven array parameters $first… (deliveryColumns). */
function deliveriesCte(first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `created AS (
       INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key)
       SELECT t.id, t.msg_id, t.endpoint_id, t.app_id, 'pending', 0, t.due_at, t.created_at, t.created_at, t.ordering_key
       FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::bigint[], ${p(5)}::text[], ${p(6)}::text[])
         AS t(id, msg_id, endpoint_id, app_id, due_at, created_at, ordering_key)
     )`;
}

/** Existing messages holding any of these messages' keys (keysOf), by key. */
async function messagesByKey(client: PoolClient, messages: Message[], lock: boolean): Promise<Map<string, Message>> {
  const found = new Map<string, Message>();
  // One query per column, each on its own unique index (FOR UPDATE does not combine with UNION).
  for (const column of KEY_COLUMNS) {
    const keyed = messages.filter((m) => keyValue(m, column) !== null);
    if (keyed.length === 0) continue;
    const { rows } = await client.query(
      `SELECT m.* FROM messages m JOIN unnest($1::text[], $2::text[]) AS k(app_id, key)
         ON m.app_id = k.app_id AND m.${column} = k.key${lock ? ' FOR UPDATE OF m' : ''}`,
      [keyed.map((m) => m.appId), keyed.map((m) => keyValue(m, column))],
    );
    for (const r of rows) found.set(`${column}\n${r.app_id}\n${r[column]}`, rowToMessage(r));
  }
  return found;
}

/** Inserts the messages; returns the ids inserted (a key or event id taken concurrently skips its message). */
async function insertMessages(client: PoolClient, messages: Message[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  // No conflict target: either unique claim (idempotency key, event id) skips the message.
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [jsonWithoutNul(messages.map(messageToRow))],
  );
  return new Set(rows.map((r) => r.id));
}

/** The endpoints of every app in the batch, in one query. */
async function endpointsFor(client: Pick<PoolClient, 'query'>, inputs: PublishInput[]): Promise<Map<string, Candidate[]>> {
  if (inputs.length === 0) return new Map();
  const { rows } = await client.query<CandidateRow>({
    name: 'herald_fan_out_endpoints',
    text: `SELECT id, app_id, event_types, entity_types, payload_format, disabled, ordering, filter, channels FROM endpoints
     WHERE app_id = ANY($1::text[])`,
    values: [[...new Set(inputs.map((i) => i.message.appId))]],
  });
  return candidatesByApp(rows);
}

/** An endpoint row with what fan-out reads of it. */
export type CandidateRow = FanOutRow & { app_id: string; disabled: boolean };

/** Endpoint rows as fan-out candidates, by app. */
export function candidatesByApp(rows: readonly CandidateRow[]): Map<string, Candidate[]> {
  const byApp = new Map<string, Candidate[]>();
  for (const row of rows) {
    const list = byApp.get(row.app_id) ?? [];
    list.push({ ...toFanOutTarget(row), disabled: Boolean(row.disabled) });
    byApp.set(row.app_id, list);
  }
  return byApp;
}

/** Every enabled endpoint whose filters match, or just the named one (test events). */
function matchingEndpoints(input: PublishInput, endpoints: Candidate[], filters: FilterRun): Candidate[] {
  const { message } = input;
  if (input.onlyEndpointId) {
    return endpoints.filter((ep) => ep.id === input.onlyEndpointId && fanOutAccepts(ep, message, true));
  }
  return endpoints.filter((ep) => !ep.disabled && fanOutAccepts(ep, message, false, filters));
}

/**
 * Adds the batch's payload-filter failures to their endpoints, counted against the filter text they
 * happened under (see rowToEndpoint): an endpoint whose filter changed meanwhile is left alone.
 */
export async function recordFilterErrors(client: Pick<PoolClient, 'query'>, filters: FilterRun): Promise<void> {
  if (filters.errors.size === 0) return;
  // In id order, so two batches updating the same endpoints lock them in the same order (no deadlock).
  const tallies = [...filters.errors.values()].sort((a, b) => (a.endpointId < b.endpointId ? -1 : 1));
  await client.query(
    `UPDATE endpoints e SET
       filter_errors = (CASE WHEN e.filter_errors_for IS NOT DISTINCT FROM t.filter THEN e.filter_errors ELSE 0 END) + t.count,
       filter_errors_for = t.filter, filter_last_error = t.last_error, filter_last_error_at = t.at
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS t(endpoint_id, filter, count, last_error, at)
     WHERE e.id = t.endpoint_id AND e.filter = t.filter`,
    [tallies.map((t) => t.endpointId), tallies.map((t) => pgText(t.filter)), tallies.map((t) => t.count), tallies.map((t) => pgText(t.lastError)), tallies.map((t) => t.at)],
  );
}
