import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids.js';
import { deliveryOrderingKey } from '../../domain/ordering.js';
import { fanOutAccepts, toFanOutTarget, type FanOutRow, type FanOutTarget } from '../fan-out.js';
import type { PublishInput, PublishResult } from '../store.js';
import { messageToRow, rowToMessage } from '../rows.js';
import { statement } from './statement-cache.js';

// Cached per connection (statement-cache): preparing is a measurable share of a small insert.
function statements(db: Database.Database) {
  return {
    byKey: statement(db, 'SELECT * FROM messages WHERE app_id = ? AND idempotency_key = ?'),
    forgetKey: statement(db, 'UPDATE messages SET idempotency_key = NULL WHERE id = ?'),
    insertMessage: statement(db, 
      `INSERT INTO messages (id, app_id, event_type, data, entity_type, entity_id, idempotency_key, created_at, request_id, ordering_key)
       VALUES (@id, @app_id, @event_type, @data, @entity_type, @entity_id, @idempotency_key, @created_at, @request_id, @ordering_key)`,
    ),
    enabledEndpoints: statement(db, 
      'SELECT id, event_types, entity_types, payload_format, ordering FROM endpoints WHERE app_id = ? AND disabled = 0',
    ),
    oneEndpoint: statement(db, 
      'SELECT id, event_types, entity_types, payload_format, ordering FROM endpoints WHERE app_id = ? AND id = ?',
    ),
    insertDelivery: statement(db, 
      `INSERT INTO deliveries (id, msg_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at, updated_at, ordering_key)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    ),
  };
}

export function publishInTransaction(db: Database.Database, inputs: PublishInput[]): PublishResult[] {
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
  return db.transaction(() => inputs.map((input) => publishOne(st, input, enabledTargets))).immediate();
}

function publishOne(st: ReturnType<typeof statements>, input: PublishInput, enabledTargets: (appId: string) => FanOutTarget[]): PublishResult {
  const { message } = input;
  if (message.idempotencyKey !== null) {
    const existing = st.byKey.get(message.appId, message.idempotencyKey) as any;
    if (existing) {
      if (Date.parse(existing.created_at) >= input.idempotencySince) {
        return { message: rowToMessage(existing), created: false, deliveryCount: 0 };
      }
      // The key's 24 h window is over: it may name a new message now.
      st.forgetKey.run(existing.id);
    }
  }
  st.insertMessage.run(messageToRow(message));
  const candidates = input.onlyEndpointId
    ? ([st.oneEndpoint.get(message.appId, input.onlyEndpointId)].filter(Boolean) as FanOutRow[]).map(toFanOutTarget)
    : enabledTargets(message.appId);
  let deliveryCount = 0;
  for (const ep of candidates) {
    if (!fanOutAccepts(ep, message, Boolean(input.onlyEndpointId))) continue;
    const orderingKey = deliveryOrderingKey(ep.ordering, message.orderingKey);
    st.insertDelivery.run(newId('dlv'), message.id, ep.id, message.appId, input.now, message.createdAt, message.createdAt, orderingKey);
    deliveryCount++;
  }
  return { message, created: true, deliveryCount };
}
