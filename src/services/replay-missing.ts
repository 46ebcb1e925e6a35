import { newId } from '../domain/ids.js';
import type { Endpoint, Message } from '../domain/model.js';
import { deliveryOrderingKey } from '../domain/ordering.js';
import { fanOutAccepts, toFanOutTarget } from '../store/fan-out.js';
import { MessagePurgedError } from '../store/errors.js';
import type { ReplayScope } from '../store/operations.js';
import type { Store } from '../store/store.js';

// Svix's replay-missing, one batch at a time (run as a background task by recovery-service.ts): the
// app's messages created in [since, until) that were never sent to the endpoint, and that its
// filters take now (event types, entity types, channels, payload filter: fan-out's rules, as if
// published now), each get a new delivery to it, marked manual as a recovery's are. A message that
// got a delivery meanwhile, or a replay resumed by a new leader, is not sent twice: the scan leaves
// out every message with a delivery to the endpoint.

export interface ReplayBatchResult {
  /** Messages looked at; fewer than the limit means the scope is done. */
  scanned: number;
  /** Deliveries created. */
  sent: number;
  lastMsgId: string | null;
}

/** The endpoint as fan-out sees it, from its record rather than a store row. */
function targetOf(endpoint: Endpoint) {
  return toFanOutTarget({
    id: endpoint.id,
    event_types: endpoint.eventTypes ? JSON.stringify(endpoint.eventTypes) : null,
    entity_types: endpoint.entityTypes ? JSON.stringify(endpoint.entityTypes) : null,
    payload_format: endpoint.payloadFormat,
    ordering: endpoint.ordering ?? 'unordered',
    filter: endpoint.filter ?? null,
    channels: endpoint.channels ? JSON.stringify(endpoint.channels) : null,
  });
}

export async function replayMissingBatch(store: Store, endpoint: Endpoint, scope: ReplayScope, afterMsgId: string | null, limit: number): Promise<ReplayBatchResult> {
  const messages: Message[] = await store.listMissingMessages(scope, afterMsgId, limit);
  const target = targetOf(endpoint);
  let sent = 0;
  for (const message of messages) {
    if (!fanOutAccepts(target, message, false)) continue;
    const now = Date.now();
    const iso = new Date(now).toISOString();
    try {
      await store.createDelivery({
        id: newId('dlv'), msgId: message.id, endpointId: endpoint.id, appId: endpoint.appId, status: 'pending', attempts: 0,
        nextAttemptAt: now, createdAt: iso, updatedAt: iso, manual: true,
        orderingKey: deliveryOrderingKey(endpoint.ordering, message.orderingKey),
      });
      sent++;
    } catch (err) {
      // Purged since the scan (retention or an expunge): nothing left to send.
      if (!(err instanceof MessagePurgedError)) throw err;
    }
  }
  return { scanned: messages.length, sent, lastMsgId: messages.at(-1)?.id ?? null };
}
