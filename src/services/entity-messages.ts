import type { Message } from '../domain/model.js';
import type { EntityRef } from '../store/insights.js';
import type { MessageQuery, Page, PageRequest, Store } from '../store/store.js';

/**
 * The entity id as typed in a URL is text, but messages keep the id's JSON type (25 or "25"):
 * a numeric-looking id matches both.
 */
export function entityRef(type: string, id: string): EntityRef {
  const asNumber = Number(id);
  return { type, ids: /^-?\d+(\.\d+)?$/.test(id) && Number.isFinite(asNumber) ? [id, asNumber] : [id] };
}

/** Messages about one entity, newest first. */
export function listMessagesByEntity(store: Store, appId: string, entity: EntityRef, page: PageRequest & Pick<MessageQuery, 'eventTypes'>): Promise<Page<Message>> {
  return store.listMessagesByEntity(appId, entity, page);
}
