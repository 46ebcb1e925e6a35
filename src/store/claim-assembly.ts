import type { Delivery, Message } from '../domain/model.js';
import { rowToEndpoint, type Row } from './rows.js';
import type { SecretCodec } from './secret-codec.js';
import type { ClaimedDelivery } from './store.js';

// Both claims end the same way: the leased deliveries, their messages, and their endpoints read
// with each app's retry schedule, joined into ClaimedDelivery records. How the rows are found and
// leased is each backend's own (sqlite/dispatch-queries.ts, postgres/claim.ts).

/** Endpoint rows as the claim reads them: every column, and the app's schedule as app_retry_schedule. */
export const ENDPOINTS_WITH_APP_SCHEDULE = 'SELECT e.*, a.retry_schedule AS app_retry_schedule FROM endpoints e JOIN apps a ON a.id = e.app_id';

/** What a claimed delivery carries of its endpoint, from a row read with ENDPOINTS_WITH_APP_SCHEDULE. */
export type ClaimTarget = Pick<ClaimedDelivery, 'endpoint' | 'appRetrySchedule'>;

/** The endpoint (sealed values opened) and its app's retry schedule, as claims and publish hand-offs hand them out. */
export function claimTarget(row: Row, codec: SecretCodec): ClaimTarget {
  return { endpoint: rowToEndpoint(row, codec), appRetrySchedule: row.app_retry_schedule ? (JSON.parse(row.app_retry_schedule as string) as number[]) : null };
}

/**
 * In the deliveries' order. A delivery whose message or endpoint is gone (deleted while it was
 * being claimed) is left out. An endpoint whose sealed values cannot be opened is still handed
 * out, marked `unreadable` (rows.ts), so that only its own deliveries fail.
 */
export function assembleClaim(deliveries: Delivery[], messages: Message[], endpointRows: Row[], codec: SecretCodec): ClaimedDelivery[] {
  const messageById = new Map(messages.map((m) => [m.id, m]));
  const targets = new Map(endpointRows.map((r) => [r.id as string, claimTarget(r, codec)]));
  const claimed: ClaimedDelivery[] = [];
  for (const delivery of deliveries) {
    const message = messageById.get(delivery.msgId);
    const target = targets.get(delivery.endpointId);
    if (message && target) claimed.push({ delivery, message, ...target });
  }
  return claimed;
}
