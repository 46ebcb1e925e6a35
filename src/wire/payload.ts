import { entityFields, requireEntityFields } from './entity.js';
import type { PayloadFormat, WireMessage } from './types.js';

/**
 * The body for a message in a format; undefined for GET. Pure, so callers may cache it per
 * (message, format, method). `dataJson` is spliced in verbatim rather than re-serialised: the
 * signature covers these exact bytes and `raw` promises the data exactly as published.
 */
export function renderBody(msg: WireMessage, format: PayloadFormat, method: 'POST' | 'GET'): string | undefined {
  if (method === 'GET') return undefined;
  // What the publisher chose (eventId, timestamp) wins over Herald's own id and time, so receivers
  // that stored the product's ids before it moved to Herald keep seeing the same ones. Only the
  // body: `webhook-id` stays the message id, receivers' deduplication key (request.ts).
  const time = msg.eventTime ?? msg.createdAt;
  switch (format) {
    case 'standard':
      return `{"type":${JSON.stringify(msg.eventType)},"timestamp":${JSON.stringify(time)},"data":${msg.dataJson}}`;
    case 'event':
      // Key order is that of the timestamped envelope receivers expect (OfficeRnD's; test vector 3 of
      // the wire format reference in docs/), so bodies match byte for byte.
      return (
        `{"event":${JSON.stringify(msg.eventId ?? msg.id)},"eventType":${JSON.stringify(msg.eventType)},` +
        `"data":${msg.dataJson},"createdAt":${JSON.stringify(time)}}`
      );
    case 'raw':
      return msg.dataJson;
    case 'entity-ref': {
      requireEntityFields(msg);
      const { type, id } = msg.entity!;
      // The id keeps its JSON type (25 stays a number), as entity-path receivers expect (wire format reference in docs/).
      return JSON.stringify({ eventType: msg.eventType, entityType: type, entityId: id });
    }
    default:
      throw new Error(`unknown payload format "${String(format satisfies never)}"`);
  }
}

/**
 * Whether an endpoint with this format can receive the message: `entity-ref` needs an entity it
 * can put in a URL path. Pass eventType too when known, so unaddressable event types are caught.
 */
export function formatAccepts(format: PayloadFormat, msg: Pick<WireMessage, 'entity'> & { eventType?: string }): boolean {
  return format !== 'entity-ref' || entityFields(msg) !== null;
}
