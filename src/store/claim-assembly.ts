import type { Delivery, Message } from '../domain/model.js';
import { rowToEndpoint, type Row } from './rows.js';
import type { SecretCodec } from './secret-codec.js';
import type { ClaimedDelivery } from './store.js';

// Both claims end the same way: the leased deliveries, their messages, and their endpoints read
// with each app's retry schedule, joined into ClaimedDelivery records. How the rows are found and
// leased is each backend's own (sqlite/dispatch-queries.ts, postgres/claim.ts).

/** Endpoint rows as the claim reads them: every column, and the app's schedule as app_retry_schedule. */
export const ENDPOINTS_WITH_APP_SCHEDULE = 'SELECT e.*, a.retry_schedule AS app_retry_schedule FROM endpoints e JOIN apps a ON a.id = e.app_id';

/**
 * In the deliveries' order. A delivery whose message or endpoint is gone (deleted while it was
 * being claimed) is left out. An endpoint whose sealed values cannot be opened is still handed
 * out, marked `unreadable` (rows.ts), so that only its own deliveries fail.
 */
export function assembleClaim(deliveries: Delivery[], messages: Message[], endpointRows: Row[], codec: SecretCodec): ClaimedDelivery[] {
  const messageById = new Map(messages.map((m) => [m.id, m]));
  const targets = new Map(
    endpointRows.map((r) => [
      r.id as string,
      { endpoint: rowToEndpoint(r, codec), schedule: r.app_retry_schedule ? (JSON.parse(r.app_retry_schedule) as number[]) : null },
    ]),
  );
  const claimed: ClaimedDelivery[] = [];
  for (const delivery of deliveries) {
    const message = messageById.get(delivery.msgId);
    const target = targets.get(delivery.endpointId);
    if (message && target) claimed.push({ delivery, message, endpoint: target.endpoint, appRetrySchedule: target.schedule });
  }
  return claimed;
}
