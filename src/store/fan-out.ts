import { filterMatches, type EndpointFilter } from '../domain/filters.js';
import type { EndpointOrdering, Message } from '../domain/model.js';
import { formatAccepts, type PayloadFormat } from '../wire/index.js';

// Which endpoints a published message goes to, shared by both stores' publish.

/** The endpoint columns fan-out reads (filters stored as JSON text). */
export interface FanOutRow {
  id: string;
  event_types: string | null;
  entity_types: string | null;
  payload_format: PayloadFormat;
  ordering: EndpointOrdering;
}

/** An endpoint as fan-out sees it: its filters parsed once per batch, not once per message. */
export interface FanOutTarget {
  id: string;
  filter: EndpointFilter;
  payloadFormat: PayloadFormat;
  ordering: EndpointOrdering;
}

export function toFanOutTarget(row: FanOutRow): FanOutTarget {
  return {
    id: row.id,
    filter: {
      eventTypes: row.event_types ? JSON.parse(row.event_types) : null,
      entityTypes: row.entity_types ? JSON.parse(row.entity_types) : null,
    },
    payloadFormat: row.payload_format,
    ordering: row.ordering,
  };
}

/**
 * Whether `message` goes to `target`: its filters match (a test event names its endpoint and skips
 * them) and its payload format can carry the message.
 */
export function fanOutAccepts(target: FanOutTarget, message: Message, namedEndpoint: boolean): boolean {
  if (!namedEndpoint && !filterMatches(target.filter, { eventType: message.eventType, entityType: message.entity?.type ?? null })) {
    return false;
  }
  return formatAccepts(target.payloadFormat, message);
}
