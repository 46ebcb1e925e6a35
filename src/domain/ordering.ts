import type { EndpointOrdering, MessageEntity } from './model.js';

// Ordered delivery (endpoint `ordering: "entity"`): deliveries sharing an ordering key go to the
// endpoint one at a time, in publish order. The key is the publisher's explicit `orderingKey`, or
// else the message's entity; messages with neither are not ordered.

/** The key a message is ordered by. Entity ids compare as text, so 25 and "25" are one entity. */
export function messageOrderingKey(explicit: string | null | undefined, entity: MessageEntity | null): string | null {
  if (explicit) return explicit;
  return entity ? `${entity.type}:${String(entity.id)}` : null;
}

/** The key a delivery to this endpoint carries: only ordered endpoints hold deliveries back. */
export function deliveryOrderingKey(ordering: EndpointOrdering | null | undefined, messageKey: string | null | undefined): string | null {
  return ordering === 'entity' ? (messageKey ?? null) : null;
}
