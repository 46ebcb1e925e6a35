import type { Message } from '../domain/model.js';
import type { Store } from '../store/store.js';
import { byMessage, deliverySummary } from './delivery-state.js';
import { messageJson } from './serializers.js';

/**
 * Messages as lists and GET answer them: each with its `delivery` summary (delivery-state.ts).
 * One store query for the whole page, however many messages and endpoints.
 */
export async function messagesWithDelivery(store: Store, appId: string, messages: Message[]) {
  const deliveries = byMessage(await store.currentDeliveries(appId, messages.map((m) => m.id)));
  return messages.map((m) => ({ ...messageJson(m), delivery: deliverySummary(deliveries.get(m.id) ?? []) }));
}
