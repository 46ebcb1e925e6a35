import type { Pool } from 'pg';
import type { Delivery, Message } from '../../domain/model.js';
import { firstDueAt } from '../../domain/deliver-at.js';
import type { HandOff } from '../hand-off.js';
import { claimTarget, type ClaimTarget } from '../claim-assembly.js';
import { messageToRow, rowToMessage, type Row } from '../rows.js';
import type { SecretCodec } from '../secret-codec.js';
import type { ClaimedDelivery, PublishInput, PublishResult } from '../store.js';
import { jsonWithoutNul } from './connection.js';
import { AUDITED_CTE, auditJson, candidatesByApp, deliveryColumns, planDeliveries, recordFilterErrors, WORK_CHANNEL, type CandidateRow } from './publish.js';
import type { AuditEntry } from '../../domain/operators.js';

/** A hand-off (store/hand-off.ts), and the codec that opens the endpoints it hands over. */
export interface PostgresHandOff {
  offer: HandOff;
  codec: SecretCodec;
}

// A publish that leases its new deliveries to the local loop in its own INSERT (store/hand-off.ts),
// so the loop does not claim them back: the claim's UPDATE of every row, and its round trips, are
// saved. Several processes share the database, so the per-endpoint concurrency counts every
// process's live leases, as the claim does (claim.ts), and under the same lock. Two round trips:
//
// 1. The apps' endpoints, whole (the loop sends with them), read as a publish without a hand-off
//    reads them (publish.ts): fan-out is decided here, and the loop keeps room for what it may take.
// 2. herald_publish_handing_off (publish-function-v29.ts, one implicit transaction): locks the gate
//    of each endpoint that may take a hand-off (`FOR UPDATE SKIP LOCKED`, still enabled and without
//    a rate limit: an endpoint whose gate a claimer or another publish holds is left to the claims),
//    then with a snapshot taken after those locks inserts the messages and deliveries, each one the
//    loop kept room for leased only while the endpoint's live leases and the hand-offs before it stay
//    within its limit. A NOTIFY goes out only if some were not.

const ENDPOINTS = `
  SELECT e.*, a.retry_schedule AS app_retry_schedule
  FROM endpoints e JOIN apps a ON a.id = e.app_id
  WHERE e.app_id = ANY($1::text[])`;

const PUBLISH_HANDING_OFF = `SELECT herald_publish_handing_off($1::json, $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
  $7::text[], $8::text[], $9::bigint[], $10::bigint, $11::bigint, $12::text, $13::text, $14::text, $15::json) AS leased`;

export async function publishHandingOff(
  pool: Pool, inputs: PublishInput[], schemaKey: string, { offer: handOff, codec }: PostgresHandOff, audit: readonly AuditEntry[],
): Promise<PublishResult[]> {
  const rows = (await pool.query<Row>({
    name: 'herald_publish_endpoints', text: ENDPOINTS, values: [[...new Set(inputs.map((i) => i.message.appId))]],
  })).rows;
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  const planned = planDeliveries(inputs, candidatesByApp(rows as unknown as CandidateRow[]));
  const messagesJson = jsonWithoutNul(inputs.map((i) => messageToRow(i.message)));
  const d = planned.deliveries;
  if (d.ids.length === 0) {
    await pool.query(`WITH ${AUDITED_CTE('$2')} INSERT INTO messages SELECT * FROM json_populate_recordset(NULL::messages, $1::json)`, [messagesJson, auditJson(audit)]);
    return planned.results;
  }
  const named = new Set(inputs.filter((i) => i.onlyEndpointId).map((i) => i.message.id));
  // Scheduled later (Svix's deliverAt): not handed off; the claim takes them when they are due.
  const scheduled = new Set(inputs.filter((i) => firstDueAt(i.message, i.now) > i.now).map((i) => i.message.id));
  const leaseUntil = d.ids.map((_, k): number | null => {
    const row = byId.get(d.endpointIds[k]!)!;
    if (row.disabled || row.rate_limit !== null || d.orderingKeys[k] !== null || named.has(d.msgIds[k]!) || scheduled.has(d.msgIds[k]!)) return null;
    if (!handOff.reserve(row.id as string)) return null;
    // As a claim's lease, from the publish's time (see claim.ts).
    return d.dueAt[k]! + 2 * Number(row.timeout_ms) + handOff.leaseMarginMs;
  });
  const result = await pool.query<{ leased: string[] | null }>({
    name: 'herald_publish_handing_off', text: PUBLISH_HANDING_OFF,
    values: [
      messagesJson, ...deliveryColumns(d), leaseUntil,
      Date.now(), handOff.perEndpointLimit, handOff.leaseToken, WORK_CHANNEL, schemaKey, auditJson(audit),
    ],
  });
  handOff.deliver(handedOver(d, leaseUntil, new Set(result.rows[0]?.leased ?? []), byId, inputs, codec));
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
