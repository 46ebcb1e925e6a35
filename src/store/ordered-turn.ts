// The claim condition behind `ordering: "entity"` endpoints, shared by both stores' claims.
//
// A delivery with an ordering key may be claimed only when it is its key's turn: no earlier
// delivery (ids are ULIDs, so id order is creation order) of the same endpoint and key is still
// pending, whether waiting for a retry or in flight, and no other one of them holds a live lease.
// A retrying delivery therefore holds every later one of its entity back until it succeeds or
// fails for good, and deliveries in one claim never share a key. Unordered deliveries (no key,
// the default) skip the check; the probe is one partial-index lookup (deliveries_ordered).
//
// `d` is the candidate's alias and `now` the expression for the claim time (epoch ms).
export function orderedTurn(d: string, now: string): string {
  return `(${d}.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries o
    WHERE o.endpoint_id = ${d}.endpoint_id AND o.ordering_key = ${d}.ordering_key AND o.status = 'pending'
      AND o.id <> ${d}.id AND (o.id < ${d}.id OR (o.lease_token IS NOT NULL AND o.next_attempt_at > ${now}))))`;
}

/**
 * For the dispatcher's sleep and the lag metric: a pending delivery is only waiting on time when its
 * endpoint is enabled and no earlier delivery of its ordering key goes first. Deliveries held
 * otherwise (kept for a disabled endpoint, queued behind a retrying one of their entity) would
 * otherwise look overdue: the dispatcher would poll for them continuously and the oldest-due-age
 * alert would fire for work that is waiting on purpose. The cost is a probe per held delivery
 * before the first ready one, as the claim pays already.
 */
export function readyWhenDue(d: string): string {
  return `(EXISTS (SELECT 1 FROM endpoints e WHERE e.id = ${d}.endpoint_id AND NOT e.disabled) AND ${notBehindEarlier(d)})`;
}

/** No earlier pending delivery of the same endpoint and ordering key (always true when unordered). */
export function notBehindEarlier(d: string): string {
  return `(${d}.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries o WHERE o.endpoint_id = ${d}.endpoint_id AND o.ordering_key = ${d}.ordering_key
      AND o.status = 'pending' AND o.id < ${d}.id))`;
}
