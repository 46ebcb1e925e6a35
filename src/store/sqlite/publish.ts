import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids.js';
import { deliveryOrderingKey } from '../../domain/ordering.js';
import { firstDueAt } from '../../domain/deliver-at.js';
import type { Message } from '../../domain/model.js';
import { FilterRun, fanOutAccepts, toFanOutTarget, type FanOutRow, type FanOutTarget } from '../fan-out.js';
import type { AuditEntry } from '../../domain/operators.js';
import { auditToRow } from '../catalogue/operator-records.js';
import type { FreshDelivery } from '../hand-off.js';
import type { PublishInput, PublishResult } from '../store.js';
import { messageToRow, rowToMessage } from '../rows.js';
import { statement } from './statement-cache.js';

// Cached per connection (statement-cache): preparing is a measurable share of a small insert.
function statements(db: Database.Database) {
  return {
    byKey: statement(db, 'SELECT * FROM messages WHERE app_id = ? AND idempotency_key = ?'),
    forgetKey: statement(db, 'UPDATE messages SET idempotency_key = NULL WHERE id = ?'),
    byEventKey: statement(db, 'SELECT * FROM messages WHERE app_id = ? AND event_key = ?'),
    forgetEventKey: statement(db, 'UPDATE messages SET event_key = NULL WHERE id = ?'),
    insertMessage: statement(db, 
      `INSERT INTO messages (id, app_id, event_type, data, entity_type, entity_id, idempotency_key, created_at, request_id, ordering_key, event_id, event_time, event_key, traceparent, tracestate, channels, payload_expires_at, tags, deliver_at)
       VALUES (@id, @app_id, @event_type, @data, @entity_type, @entity_id, @idempotency_key, @created_at, @request_id, @ordering_key, @event_id, @event_time, @event_key, @traceparent, @tracestate, @channels, @payload_expires_at, @tags, @deliver_at)`,
    ),
    enabledEndpoints: statement(db, 
      'SELECT id, event_types, entity_types, payload_format, ordering, filter, channels FROM endpoints WHERE app_id = ? AND disabled = 0',
    ),
    oneEndpoint: statement(db, 
      'SELECT id, event_types, entity_types, payload_format, ordering, filter, channels FROM endpoints WHERE app_id = ? AND id = ?',
    ),
    insertDelivery: statement(db, 
      `INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    ),
    insertAudit: statement(db,
      'INSERT INTO audit_log (id, at, token_kind, token_id, token_name, role, request_id, method, route, action, app_id, targets, status, outcome) ' +
      'VALUES (@id, @at, @token_kind, @token_id, @token_name, @role, @request_id, @method, @route, @action, @app_id, @targets, @status, @outcome)',
    ),
    // Counted against the filter text they happened under (see rowToEndpoint): a new filter starts at 0.
    recordFilterErrors: statement(db,
      `UPDATE endpoints SET filter_errors = (CASE WHEN filter_errors_for IS @filter THEN filter_errors ELSE 0 END) + @count,
         filter_errors_for = @filter, filter_last_error = @lastError, filter_last_error_at = @at
       WHERE id = @endpointId AND filter IS @filter`,
    ),
  };
}

/**
 * `fresh`, when given, collects the new deliveries a publish may hand to the local loop (hand-off.ts);
 * `audit` entries are written in the same transaction.
 */
export function publishInTransaction(db: Database.Database, inputs: PublishInput[], fresh?: FreshDelivery[], audit?: readonly AuditEntry[]): PublishResult[] {
  const st = statements(db);
  // The enabled endpoints of each app, read once per batch rather than once per message: a batch's
  // messages nearly always belong to one app, and reading and parsing the same rows 100 times was
  // a tenth of a publish's cost. Inside the transaction, so the batch sees one consistent set.
  const targetsByApp = new Map<string, FanOutTarget[]>();
  const enabledTargets = (appId: string) => {
    let targets = targetsByApp.get(appId);
    if (!targets) targetsByApp.set(appId, (targets = (st.enabledEndpoints.all(appId) as FanOutRow[]).map(toFanOutTarget)));
    return targets;
  };
  // One transaction (one fsync) for the whole batch: the cost of durability is shared.
  return db.transaction(() => {
    const filters = new FilterRun();
    const results = inputs.map((input) => publishOne(st, input, enabledTargets, filters, fresh));
    for (const tally of filters.errors.values()) st.recordFilterErrors.run(tally);
    for (const entry of audit ?? []) st.insertAudit.run(auditToRow(entry));
    return results;
  }).immediate();
}

function publishOne(
  st: ReturnType<typeof statements>, input: PublishInput, enabledTargets: (appId: string) => FanOutTarget[], filters: FilterRun,
  fresh?: FreshDelivery[],
): PublishResult {
  const { message } = input;
  // An idempotency key or a publisher's event id seen inside the window: the earlier message answers.
  const earlier =
    earlierWith(st.byKey, st.forgetKey, message.appId, message.idempotencyKey, input.idempotencySince) ??
    earlierWith(st.byEventKey, st.forgetEventKey, message.appId, message.eventId ?? null, input.idempotencySince);
  if (earlier) return { message: earlier, created: false, deliveryCount: 0 };
  st.insertMessage.run(messageToRow(message));
  const candidates = input.onlyEndpointId
    ? ([st.oneEndpoint.get(message.appId, input.onlyEndpointId)].filter(Boolean) as FanOutRow[]).map(toFanOutTarget)
    : enabledTargets(message.appId);
  let deliveryCount = 0;
  const dueAt = firstDueAt(message, input.now);
  for (const ep of candidates) {
    if (!fanOutAccepts(ep, message, Boolean(input.onlyEndpointId), filters)) continue;
    const orderingKey = deliveryOrderingKey(ep.ordering, message.orderingKey);
    const id = newId('dlv');
    st.insertDelivery.run(id, message.id, ep.id, message.appId, dueAt, message.createdAt, message.createdAt, orderingKey);
    // Not handed off when scheduled later (Svix's deliverAt): the claim takes it when it is due.
    if (fresh && orderingKey === null && !input.onlyEndpointId && dueAt <= input.now) fresh.push({ id, endpointId: ep.id, message, now: input.now });
    deliveryCount++;
  }
  const filterErrors = filters.errorsOf(message.id);
  return filterErrors > 0 ? { message, created: true, deliveryCount, filterErrors } : { message, created: true, deliveryCount };
}

type Statement = ReturnType<typeof statement>;

/** The message holding this key inside the window, if any; a holder whose window is over gives the key up. */
function earlierWith(find: Statement, forget: Statement, appId: string, key: string | null, since: number): Message | null {
  if (key === null) return null;
  const existing = find.get(appId, key) as any;
  if (!existing) return null;
  if (Date.parse(existing.created_at) >= since) return rowToMessage(existing);
  // The key's 24 h window is over: it may name a new message now.
  forget.run(existing.id);
  return null;
}
