import type Database from 'better-sqlite3';
import { filterMatches } from '../../domain/filters.js';
import { newId } from '../../domain/ids.js';
import { deliveryOrderingKey } from '../../domain/ordering.js';
import { formatAccepts } from '../../wire/index.js';
import type { PublishInput, PublishResult } from '../store.js';
import { messageToRow, rowToMessage } from './row-mappers.js';
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
  // One transaction (one fsync) for the whole batch: the cost of durability is shared.
  return db.transaction(() => inputs.map((input) => publishOne(st, input))).immediate();
}

function publishOne(st: ReturnType<typeof statements>, input: PublishInput): PublishResult {
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
  const candidates = (
    input.onlyEndpointId
      ? [st.oneEndpoint.get(message.appId, input.onlyEndpointId)].filter(Boolean)
      : st.enabledEndpoints.all(message.appId)
  ) as Array<{ id: string; event_types: string | null; entity_types: string | null; payload_format: any; ordering: any }>;
  const subject = { eventType: message.eventType, entityType: message.entity?.type ?? null };
  let deliveryCount = 0;
  for (const ep of candidates) {
    const filter = {
      eventTypes: ep.event_types ? JSON.parse(ep.event_types) : null,
      entityTypes: ep.entity_types ? JSON.parse(ep.entity_types) : null,
    };
    if (!input.onlyEndpointId && !filterMatches(filter, subject)) continue;
    if (!formatAccepts(ep.payload_format, message)) continue;
    const orderingKey = deliveryOrderingKey(ep.ordering, message.orderingKey);
    st.insertDelivery.run(newId('dlv'), message.id, ep.id, message.appId, input.now, message.createdAt, message.createdAt, orderingKey);
    deliveryCount++;
  }
  return { message, created: true, deliveryCount };
}
