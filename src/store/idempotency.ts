// Idempotency keys of Svix's POSTs (migration 21), shared by every Herald process on the store:
// the first request with a key claims it, its answer is kept, a retry with the key gets it back.

/** A request's claim on a key, as services/idempotency-keys.ts asks for it. */
export interface IdempotencyClaim {
  /** Whose keys these are (an app, or the admin side): one caller's key never answers another's. */
  scope: string;
  key: string;
  /** SHA-256 of the request (method, path and body): the same key with another request is refused. */
  requestHash: string;
  /** ISO: written as the claim's time. */
  now: string;
  /** ISO: a key claimed before this has expired and may be claimed again, as new. */
  expiredBefore: string;
  /** ISO: a claim still unanswered since before this was left by a process that died; it may be taken over. */
  abandonedBefore: string;
}

/** A claim this request holds: finish or release it (claimedAt tells it from a later claim of the key). */
export interface HeldIdempotencyKey {
  scope: string;
  key: string;
  claimedAt: string;
}

export interface IdempotentAnswer {
  status: number;
  /** The reply's body as sent ('' for none). */
  body: string;
  contentType: string | null;
}

export type IdempotencyClaimResult =
  | { kind: 'claimed'; held: HeldIdempotencyKey }
  /** Another request holds the key and has not answered yet. */
  | { kind: 'in-progress'; requestHash: string }
  | { kind: 'answered'; requestHash: string; answer: IdempotentAnswer };
