import type { EndpointOutcome } from './operations.js';

/** What one batch of outcomes does to each endpoint's failure streak. */
export interface StreakChange {
  endpointId: string;
  /** A success in the batch ended the streak stored so far. */
  cleared: boolean;
  /** The batch ends failing: the streak started at this time unless one was already running. */
  failingSince: number | null;
}

/**
 * Folds a batch of outcomes, in time order, into one change per endpoint, so a store applies each
 * endpoint's net effect once: a success ends a streak, a failure starts one if none is running.
 */
export function streakChanges(outcomes: EndpointOutcome[]): StreakChange[] {
  const byEndpoint = new Map<string, StreakChange>();
  for (const o of [...outcomes].sort((a, b) => a.at - b.at)) {
    const change = byEndpoint.get(o.endpointId) ?? { endpointId: o.endpointId, cleared: false, failingSince: null };
    if (o.ok) {
      change.cleared = true;
      change.failingSince = null;
    } else if (change.failingSince === null) {
      change.failingSince = o.at;
    }
    byEndpoint.set(o.endpointId, change);
  }
  // Sorted by id: concurrent writers lock rows in one order, so they cannot deadlock.
  return [...byEndpoint.values()].sort((a, b) => (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0));
}
