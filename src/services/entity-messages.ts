import type { Message } from '../domain/model.js';
import type { EntityRef } from '../store/insights.js';
import type { Page, PageRequest, Store } from '../store/store.js';

/** Without the store's query, at most this many recent messages are searched. */
const FALLBACK_MAX_SCANNED = 5_000;

/**
 * The entity id as typed in a URL is text, but messages keep the id's JSON type (25 or "25"):
 * a numeric-looking id matches both.
 */
export function entityRef(type: string, id: string): EntityRef {
  const asNumber = Number(id);
  return { type, ids: /^-?\d+(\.\d+)?$/.test(id) && Number.isFinite(asNumber) ? [id, asNumber] : [id] };
}

/** Messages about one entity, newest first. */
export async function listMessagesByEntity(store: Store, appId: string, entity: EntityRef, page: PageRequest): Promise<Page<Message>> {
  if (store.listMessagesByEntity) return store.listMessagesByEntity(appId, entity, page);
  // Fallback: filter the app's message list. The iterator stays a message id either way.
  const found: Message[] = [];
  let iterator = page.iterator;
  for (let scanned = 0; scanned < FALLBACK_MAX_SCANNED; ) {
    const batch = await store.listMessages(appId, { limit: 250, iterator });
    for (const m of batch.data) {
      scanned++;
      if (m.entity?.type === entity.type && entity.ids.includes(m.entity.id)) found.push(m);
      if (found.length === page.limit) return { data: found, iterator: m.id, done: false };
    }
    if (batch.done || !batch.iterator) return { data: found, iterator: null, done: true };
    iterator = batch.iterator;
  }
  return { data: found, iterator: iterator ?? null, done: false };
}
