import type { WireMessage } from './types.js';

export interface EntityFields {
  eventType: string;
  entityType: string;
  entityId: string;
}

/**
 * Values a URL path segment cannot carry faithfully even after percent-encoding: an empty one
 * collapses into '//', and '.'/'..' pass through encodeURIComponent unchanged and are then
 * resolved away as dot-segments by URL parsers, silently changing the target path.
 */
export function isPathSafeSegment(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..';
}

/**
 * The entity as text fields, or null when the message has none that `entity-ref` can address.
 * eventType is optional because some callers only know the entity when filtering endpoints.
 */
export function entityFields(msg: { eventType?: string; entity?: WireMessage['entity'] }): EntityFields | null {
  const entity = msg.entity;
  if (!entity) return null;
  const entityId = String(entity.id);
  const parts = msg.eventType === undefined ? [entity.type, entityId] : [msg.eventType, entity.type, entityId];
  if (!parts.every(isPathSafeSegment)) return null;
  return { eventType: msg.eventType ?? '', entityType: entity.type, entityId };
}

export function requireEntityFields(msg: Pick<WireMessage, 'id' | 'eventType' | 'entity'>): EntityFields {
  const fields = entityFields(msg);
  if (!fields) {
    throw new Error(`message ${msg.id} has no entity that payload format "entity-ref" can address`);
  }
  return fields;
}
