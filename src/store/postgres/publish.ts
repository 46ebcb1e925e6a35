import type { Pool, PoolClient } from 'pg';
import { newId } from '../../domain/ids.js';
import { deliveryOrderingKey } from '../../domain/ordering.js';
import type { Message } from '../../domain/model.js';
import { fanOutAccepts, toFanOutTarget, type FanOutRow, type FanOutTarget } from '../fan-out.js';
import { messageToRow, rowToMessage } from '../rows.js';
import type { PublishInput, PublishResult } from '../store.js';
import { jsonWithoutNul, pgText } from './connection.js';
import { inTransaction } from './sql.js';

/** The channel every Herald process LISTENs on; the payload names the schema the work is in. */
export const WORK_CHANNEL = 'herald_work';

/** An endpoint of an app in the batch; disabled ones still take test events that name them. */
interface Candidate extends FanOutTarget {
  disabled: boolean;
}

/** Keys compare as PostgreSQL stores them (NUL replaced, see NulSafeClient). */
const keyOf = (m: Message) => `${m.appId}\n${pgText(m.idempotencyKey ?? '')}`;

/**
 * A batch of publishes in one transaction and a fixed number of statements, whatever its size:
 * messages, then one delivery per matching endpoint, then a NOTIFY that PostgreSQL delivers
 * only if the transaction commits, so a worker woken by it always finds the rows.
 */
export function publishManyPostgres(pool: Pool, inputs: PublishInput[], schemaKey: string): Promise<PublishResult[]> {
  if (inputs.length === 0) return Promise.resolve([]);
  if (inputs.every((i) => i.message.idempotencyKey === null)) return publishWithoutKeys(pool, inputs, schemaKey);
  return inTransaction(pool, async (client) => {
    const results: Array<PublishResult | undefined> = new Array(inputs.length);
    const earlier = await messagesByKey(client, inputs.map((i) => i.message), true);
    const stale: string[] = [];
    const firstWithKey = new Map<string, number>();
    /** Later inputs of this batch repeating a key: they get whatever the first one got. */
    const repeats = new Map<number, number>();
    const fresh: number[] = [];
    inputs.forEach((input, i) => {
      const { message } = input;
      if (message.idempotencyKey === null) return void fresh.push(i);
      const key = keyOf(message);
      const found = earlier.get(key);
      if (found && Date.parse(found.createdAt) >= input.idempotencySince) {
        results[i] = { message: found, created: false, deliveryCount: 0 };
      } else if (firstWithKey.has(key)) {
        repeats.set(i, firstWithKey.get(key)!);
      } else {
        // An earlier message whose 24 h window is over gives its key up to this one.
        if (found) stale.push(found.id);
        firstWithKey.set(key, i);
        fresh.push(i);
      }
    });
    if (stale.length > 0) await client.query('UPDATE messages SET idempotency_key = NULL WHERE id = ANY($1::text[])', [stale]);

    const inserted = await insertMessages(client, fresh.map((i) => inputs[i]!.message));
    const lostRace = fresh.filter((i) => !inserted.has(inputs[i]!.message.id));
    if (lostRace.length > 0) {
      // A concurrent publish with the same key committed first (ON CONFLICT waited for it).
      const winners = await messagesByKey(client, lostRace.map((i) => inputs[i]!.message), false);
      for (const i of lostRace) {
        const winner = winners.get(keyOf(inputs[i]!.message));
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
async function publishWithoutKeys(pool: Pool, inputs: PublishInput[], schemaKey: string): Promise<PublishResult[]> {
  const planned = planDeliveries(inputs, await endpointsFor(pool, inputs));
  await pool.query({
    name: 'herald_publish',
    text: `WITH inserted AS (
       INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)
     ), ${deliveriesCte(2)}
     SELECT pg_notify($9, $10) WHERE cardinality($2::text[]) > 0`,
    values: [jsonWithoutNul(inputs.map((i) => messageToRow(i.message))), ...deliveryColumns(planned.deliveries), WORK_CHANNEL, schemaKey],
  });
  return planned.results;
}

interface PlannedDeliveries {
  ids: string[]; msgIds: string[]; endpointIds: string[]; appIds: string[]; dueAt: number[]; createdAt: string[]; orderingKeys: Array<string | null>;
}

/** One delivery per matching endpoint of each (newly created) message, and each message's result. */
function planDeliveries(created: PublishInput[], candidates: Map<string, Candidate[]>) {
  const deliveries: PlannedDeliveries = { ids: [], msgIds: [], endpointIds: [], appIds: [], dueAt: [], createdAt: [], orderingKeys: [] };
  const results = created.map((input): PublishResult => {
    const targets = matchingEndpoints(input, candidates.get(input.message.appId) ?? []);
    for (const ep of targets) {
      deliveries.ids.push(newId('dlv'));
      deliveries.msgIds.push(input.message.id);
      deliveries.endpointIds.push(ep.id);
      deliveries.appIds.push(input.message.appId);
      deliveries.dueAt.push(input.now);
      deliveries.createdAt.push(input.message.createdAt);
      deliveries.orderingKeys.push(deliveryOrderingKey(ep.ordering, input.message.orderingKey));
    }
    return { message: input.message, created: true, deliveryCount: targets.length };
  });
  return { deliveries, results };
}

/** The seven array parameters deliveriesCte reads, in its order. */
const deliveryColumns = (d: PlannedDeliveries) => [d.ids, d.msgIds, d.endpointIds, d.appIds, d.dueAt, d.createdAt, d.orderingKeys];

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

/** Existing messages holding any of these messages' (app, idempotency key) pairs. */
async function messagesByKey(client: PoolClient, messages: Message[], lock: boolean): Promise<Map<string, Message>> {
  const keyed = messages.filter((m) => m.idempotencyKey !== null);
  if (keyed.length === 0) return new Map();
  const { rows } = await client.query(
    `SELECT m.* FROM messages m JOIN unnest($1::text[], $2::text[]) AS k(app_id, idempotency_key)
       ON m.app_id = k.app_id AND m.idempotency_key = k.idempotency_key${lock ? ' FOR UPDATE OF m' : ''}`,
    [keyed.map((m) => m.appId), keyed.map((m) => m.idempotencyKey)],
  );
  return new Map(rows.map((r) => [`${r.app_id}\n${r.idempotency_key}`, rowToMessage(r)]));
}

/** Inserts the messages; returns the ids inserted (a key taken concurrently skips its message). */
async function insertMessages(client: PoolClient, messages: Message[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)
     ON CONFLICT (app_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [jsonWithoutNul(messages.map(messageToRow))],
  );
  return new Set(rows.map((r) => r.id));
}

/** The endpoints of every app in the batch, in one query. */
async function endpointsFor(client: Pick<PoolClient, 'query'>, inputs: PublishInput[]): Promise<Map<string, Candidate[]>> {
  const byApp = new Map<string, Candidate[]>();
  if (inputs.length === 0) return byApp;
  const { rows } = await client.query<FanOutRow & { app_id: string; disabled: boolean }>({
    name: 'herald_fan_out_endpoints',
    text: `SELECT id, app_id, event_types, entity_types, payload_format, disabled, ordering FROM endpoints
     WHERE app_id = ANY($1::text[])`,
    values: [[...new Set(inputs.map((i) => i.message.appId))]],
  });
  for (const row of rows) {
    const list = byApp.get(row.app_id) ?? [];
    list.push({ ...toFanOutTarget(row), disabled: row.disabled });
    byApp.set(row.app_id, list);
  }
  return byApp;
}

/** Every enabled endpoint whose filters match, or just the named one (test events). */
function matchingEndpoints(input: PublishInput, endpoints: Candidate[]): Candidate[] {
  const { message } = input;
  if (input.onlyEndpointId) {
    return endpoints.filter((ep) => ep.id === input.onlyEndpointId && fanOutAccepts(ep, message, true));
  }
  return endpoints.filter((ep) => !ep.disabled && fanOutAccepts(ep, message, false));
}
