// Types of the Store methods that keep Herald operable: endpoint failure streaks, bulk recovery
// and retention. Shared SQL in catalogue/operation-records.ts; what locks rows its own way in each
// backend's *-queries.ts files.

/** One settled attempt, as failure tracking sees it. */
export interface EndpointOutcome {
  endpointId: string;
  ok: boolean;
  /** Epoch ms of the attempt. */
  at: number;
}

export interface FailureTracking {
  outcomes: EndpointOutcome[];
  /** Endpoints failing continuously since this time (epoch ms) or earlier are disabled. */
  disableIfFailingSince: number;
  now: number;
}

/** An endpoint that failure tracking has just disabled. */
export interface DisabledEndpoint {
  endpointId: string;
  appId: string;
  /** Epoch ms the failure streak started. */
  failingSince: number;
}

/** Which failed deliveries a recovery sends again: one endpoint's, created at or after `since` (ISO). */
export interface RecoveryScope {
  appId: string;
  endpointId: string;
  since: string;
  /** Only failed deliveries created before this ISO time; absent or null: no upper bound. */
  until?: string | null;
}

/** Svix's replay-missing: the app's messages created in [since, until) never sent to the endpoint. */
export type ReplayScope = RecoveryScope;

export interface RecoveryBatch extends RecoveryScope {
  /** Continue after this message id (null: from the start). */
  afterMsgId: string | null;
  limit: number;
  now: number;
}

export interface RecoveryBatchResult {
  /** New deliveries created (one per message). */
  created: number;
  /** The last message id handled; null when nothing was left. */
  lastMsgId: string | null;
}

/** One batch of a retention pass over one table, in id order. */
export interface PurgeBatch {
  /** Rows with ids below this are old enough: `<prefix>_` + the ULID of the cutoff time. */
  beforeId: string;
  /** Continue after this id within a pass (null: from the oldest row not purged yet). */
  afterId: string | null;
  limit: number;
  now: number;
}

export interface PurgeResult {
  /** Rows looked at (purged or kept); fewer than the limit means the pass is complete. */
  scanned: number;
  purged: number;
  lastId: string | null;
}
