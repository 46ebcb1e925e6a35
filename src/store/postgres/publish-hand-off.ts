import type { Pool } from 'pg';
import type { Delivery, Message } from '../../domain/model.js';
import { firstDueAt } from '../../domain/deliver-at.js';
import { toFanOutTarget, type FanOutRow } from '../fan-out.js';
import type { HandOff } from '../hand-off.js';
import { claimTarget, type ClaimTarget } from '../claim-assembly.js';
import { messageToRow, rowToMessage, type Row } from '../rows.js';
import type { SecretCodec } from '../secret-codec.js';
import type { ClaimedDelivery, PublishInput, PublishResult } from '../store.js';
import { jsonWithoutNul } from './connection.js';
import { AUDITED_CTE, auditJson, deliveryColumns, planDeliveries, recordFilterErrors, WORK_CHANNEL, type Candidate } from './publish.js';
import type { AuditEntry } from '../../domain/operators.js';
import { inTransaction } from './sql.js';

/** A hand-off (store/hand-off.ts), and the codec that opens the endpoints it hands over. */
export interface PostgresHandOff {
  offer: HandOff;
  codec: SecretCodec;
}

// A publish that leases its new deliveries to the local loop in its own INSERT (store/hand-off.ts),
// so the loop does not claim them back: the claim's UPDATE of every row, and its round trips, are
// saved. Several processes share the database, so the per-endpoint concurrency counts every
// process's live leases, as the claim does (claim.ts), and under the same lock:
//
// 1. The apps' endpoints, whole (the loop sends with them), and the gate row of each one a hand-off
//    may go to (enabled, no rate limit) locked `FOR UPDATE SKIP LOCKED`: an endpoint whose gate a
//    claimer or another publish holds right now is left to the claims.
// 2. With a snapshot taken after those locks (READ COMMITTED: one per statement), the messages and
//    deliveries, each delivery the loop kept room for leased only while the endpoint's live leases
//    and the hand-offs before it stay within its limit. A NOTIFY goes out only if some were not.

const ENDPOINTS_AND_GATES = `
  SELECT e.*, a.retry_schedule AS app_retry_schedule, lg.endpoint_id IS NOT NULL AS gate_held
  FROM endpoints e JOIN apps a ON a.id = e.app_id
  LEFT JOIN LATERAL (
    SELECT g.endpoint_id FROM endpoint_gates g
    WHERE g.endpoint_id = e.id AND NOT e.disabled AND e.rate_limit IS NULL
    FOR UPDATE SKIP LOCKED
  ) lg ON true
  WHERE e.app_id = ANY($1::text[])`;

const PUBLISH_LEASED = () => `
  WITH inserted AS (
    INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)
  ), planned AS (
    SELECT t.*, row_number() OVER (PARTITION BY t.endpoint_id, t.lease_until IS NULL ORDER BY t.id) AS nth
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::bigint[])
      AS t(id, msg_id, endpoint_id, app_id, due_at, created_at, ordering_key, lease_until)
  ), live AS (
    SELECT o.endpoint_id, (SELECT count(*) FROM deliveries l WHERE l.endpoint_id = o.endpoint_id AND l.status = 'pending'
        AND l.lease_token IS NOT NULL AND l.next_attempt_at > $10::bigint) AS leases
    FROM (SELECT DISTINCT endpoint_id FROM planned WHERE lease_until IS NOT NULL) o
  ), decided AS (
    SELECT p.*, COALESCE(p.nth + live.leases <= $11::bigint, false) AS leased
    FROM planned p LEFT JOIN live ON live.endpoint_id = p.endpoint_id AND p.lease_until IS NOT NULL
  ), created AS (
    INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key, lease_token)
    SELECT id, msg_id, endpoint_id, app_id, 'pending', 0, CASE WHEN leased THEN lease_until ELSE due_at END,
      created_at, created_at, ordering_key, CASE WHEN leased THEN $12::text END
    FROM decided
    RETURNING id, lease_token
  ), ${AUDITED_CTE('$15')}
  SELECT array_agg(id) FILTER (WHERE lease_token IS NOT NULL) AS leased,
    CASE WHEN bool_or(lease_token IS NULL) THEN pg_notify($13, $14) END AS notified
  FROM created`;

export async function publishHandingOff(
  pool: Pool, inputs: PublishInput[], schemaKey: string, { offer: handOff, codec }: PostgresHandOff, audit: readonly AuditEntry[],
): Promise<PublishResult[]> {
  const { planned, leaseUntil, rows, leased } = await inTransaction(pool, async (client) => {
    const rows = (await client.query<Row>({
      name: 'herald_publish_endpoints_gates', text: ENDPOINTS_AND_GATES, values: [[...new Set(inputs.map((i) => i.message.appId))]],
    })).rows;
    const byApp = new Map<string, Candidate[]>();
    const byId = new Map<string, Row>();
    for (const row of rows) {
      byId.set(row.id as string, row);
      const list = byApp.get(row.app_id as string) ?? [];
      list.push({ ...toFanOutTarget(row as unknown as FanOutRow), disabled: Boolean(row.disabled) });
      byApp.set(row.app_id as string, list);
    }
    const planned = planDeliveries(inputs, byApp);
    const named = new Set(inputs.filter((i) => i.onlyEndpointId).map((i) => i.message.id));
    // Scheduled later (Svix's deliverAt): not handed off; the claim takes them when they are due.
    const scheduled = new Set(inputs.filter((i) => firstDueAt(i.message, i.now) > i.now).map((i) => i.message.id));
    const d = planned.deliveries;
    const leaseUntil = d.ids.map((_, k): number | null => {
      const row = byId.get(d.endpointIds[k]!)!;
      if (!row.gate_held || d.orderingKeys[k] !== null || named.has(d.msgIds[k]!) || scheduled.has(d.msgIds[k]!)) return null;
      if (!handOff.reserve(row.id as string)) return null;
      // As a claim's lease, from the publish's time (see claim.ts).
      return d.dueAt[k]! + 2 * Number(row.timeout_ms) + handOff.leaseMarginMs;
    });
    if (d.ids.length === 0) {
      await client.query(
        `WITH ${AUDITED_CTE('$2')} INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)`,
        [jsonWithoutNul(inputs.map((i) => messageToRow(i.message))), auditJson(audit)],
      );
      return { planned, leaseUntil, rows: byId, leased: [] as string[] };
    }
    const result = await client.query<{ leased: string[] | null }>({
      name: 'herald_publish_leased', text: PUBLISH_LEASED(),
      values: [
        jsonWithoutNul(inputs.map((i) => messageToRow(i.message))), ...deliveryColumns(d), leaseUntil,
        Date.now(), handOff.perEndpointLimit, handOff.leaseToken, WORK_CHANNEL, schemaKey, auditJson(audit),
      ],
    });
    return { planned, leaseUntil, rows: byId, leased: result.rows[0]?.leased ?? [] };
  });
  handOff.deliver(handedOver(planned.deliveries, leaseUntil, new Set(leased), rows, inputs, codec));
  // After the publish, as publishWithoutKeys does: the counts are a diagnosis.
  await recordFilterErrors(pool, planned.filters).catch(() => undefined);
  return planned.results;
}

function handedOver(
  d: ReturnType<typeof planDeliveries>['deliveries'], leaseUntil: Array<number | null>, leased: Set<string>,
  rows: Map<string, Row>, inputs: PublishInput[], codec: SecretCodec,
): ClaimedDelivery[] {
  if (leased.size === 0) return [];
  const messages = new Map(inputs.map((i) => [i.message.id, i.message]));
  const targets = new Map<string, ClaimTarget>();
  const claimed: ClaimedDelivery[] = [];
  d.ids.forEach((id, k) => {
    if (!leased.has(id)) return;
    const endpointId = d.endpointIds[k]!;
    let target = targets.get(endpointId);
    if (!target) {
      target = claimTarget(rows.get(endpointId)!, codec);
      targets.set(endpointId, target);
    }
    const message = asStored(messages.get(d.msgIds[k]!)!);
    const delivery: Delivery = {
      id, msgId: message.id, endpointId, appId: d.appIds[k]!, status: 'pending', attempts: 0,
      nextAttemptAt: leaseUntil[k]!, createdAt: d.createdAt[k]!, updatedAt: d.createdAt[k]!, orderingKey: null,
    };
    claimed.push({ delivery, message, ...target });
  });
  return claimed;
}

/** The message as PostgreSQL stored it and a claim would read it back: a NUL in its text is replaced (connection.ts). */
function asStored(m: Message): Message {
  const row = messageToRow(m);
  for (const v of Object.values(row)) if (typeof v === 'string' && v.includes('\u0000')) return rowToMessage(JSON.parse(jsonWithoutNul(row)) as Row);
  return m;
}
