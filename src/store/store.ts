import type { ApiToken, App, Attempt, Delivery, DeliveryStatus, Endpoint, EventType, Message } from '../domain/model.js';
import type { AppBranding, BrandLogo, BrandLogoInfo } from '../domain/branding.js';
import type { DeliveryRecord, EntityRef, HourlyAttemptStats } from './insights.js';
import type { ProcessRecord, ResealRequest, ResealResult } from './key-records.js';
import type { MigrationReport } from './migration-report.js';
import type { Task } from '../domain/task.js';
import type { LeaderLock } from './leader-lock.js';
import type { HandOff } from './hand-off.js';
import type { AuditEntry, AuditQuery, OperatorToken } from '../domain/operators.js';
import type {
  DisabledEndpoint, FailureTracking, PurgeBatch, PurgeResult, RecoveryBatch, RecoveryBatchResult, RecoveryScope, ReplayScope,
} from './operations.js';
import type { ExpiredPayloadBatch, ExpiredPayloadResult, ExpungeOutcome } from './payload-expiry.js';
import type { HeldIdempotencyKey, IdempotencyClaim, IdempotencyClaimResult, IdempotentAnswer } from './idempotency.js';

// The one persistence contract. Every backend implements it; the contract test suite in
// test/store runs against each. Backend differences are capability flags, not `if (postgres)`.

export interface PageRequest {
  limit: number;
  /** The last id of the previous page; results continue after it (newest first). */
  iterator?: string;
  /**
   * Which way the list runs: 'desc' (the default for id-ordered lists: newest first) or 'asc'
   * (event types default to 'asc', by name). The iterator continues in this direction, so paging
   * back from a page's first key is a query the other way round (Svix's prevIterator).
   */
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  data: T[];
  iterator: string | null;
  done: boolean;
}

export interface StoreCapabilities {
  /** Only one Herald process uses this store, so leases found at start-up are orphans of a dead process. */
  singleProcess: boolean;
}

export interface PublishInput {
  message: Message;
  /** An earlier message with the same idempotency key newer than this (epoch ms) is returned instead. */
  idempotencySince: number;
  /** Deliver to this endpoint only, regardless of its filters (test events). */
  onlyEndpointId?: string;
  now: number;
}

export interface PublishResult {
  message: Message;
  /** false when an earlier message with the same idempotency key was returned. */
  created: boolean;
  deliveryCount: number;
  /** How many endpoints' payload filters failed on this message (counted as no match); absent: none. */
  filterErrors?: number;
}

export interface ClaimRequest {
  now: number;
  limit: number;
  /** How long a claim protects the delivery, on top of the endpoint's own timeout. */
  leaseMarginMs: number;
  /**
   * At most this many deliveries of one endpoint in flight (its concurrency). Stores shared by
   * several processes (`singleProcess: false`) also count the other processes' live leases.
   */
  perEndpointLimit: number;
  /**
   * Of perEndpointLimit, how many are a second round that waits in the deliverer for a slot
   * (DeliveryLoopLimits.perEndpointQueue). Not given to rate-limited endpoints: their tokens pace
   * the claims, and deliveries queued behind a slow spell would go out together. Absent: 0.
   */
  perEndpointQueue?: number;
  /** Deliveries this process already has in flight, per endpoint id: the claim fills only the room left. */
  inFlightByEndpoint: Record<string, number>;
  leaseToken: string;
}

export interface ClaimedDelivery {
  delivery: Delivery;
  message: Message;
  endpoint: Endpoint;
  /** The app's retry schedule, used when the endpoint has none of its own. */
  appRetrySchedule: number[] | null;
}

export type SettleOutcome =
  | { kind: 'success' }
  | { kind: 'retry'; nextAttemptAt: number }
  | { kind: 'failed'; disableEndpoint: boolean }
  /** The endpoint's transformation cancelled it: settled for good, and not a failure. */
  | { kind: 'cancelled' };

export interface Settlement {
  deliveryId: string;
  leaseToken: string;
  attempt: Attempt;
  outcome: SettleOutcome;
  now: number;
}

export interface BacklogStats {
  pending: number;
  /**
   * The next_attempt_at of the oldest pending delivery that is due (next_attempt_at past), leased or
   * not: one claimed but never settled (a stuck or vanished sender) keeps ageing. Held deliveries
   * (disabled endpoint, behind an earlier one of their entity) are not due. null when nothing is due.
   */
  oldestDueAt: number | null;
}

export interface AttemptQuery extends PageRequest {
  status?: 'success' | 'failed' | 'cancelled';
  /** Only attempts of messages of these types (a scoped portal link); absent: every type. */
  eventTypes?: readonly string[];
  /** Only attempts to this endpoint (for a message's attempts). */
  endpointId?: string;
  /** Only attempts made before / after this ISO time (Date.toISOString's form). */
  before?: string;
  after?: string;
  /** Only attempts of messages published with this channel. */
  channel?: string;
  /** Only attempts of messages published with this Svix tag. */
  tag?: string;
  /** Only attempts answered with a status of this class (200: 200-299 …); 0: those with no answer at all. */
  statusCodeClass?: 0 | 100 | 200 | 300 | 400 | 500;
}

export interface EventTypeQuery extends PageRequest {
  group?: string;
  /** Archived types too (Svix's include_archived); absent: left out. */
  includeArchived?: boolean;
}

export interface PendingDeliveryQuery {
  limit: number;
  /** The last row of the page before (its cursor, catalogue/reads.ts parsePendingCursor); absent: the first page. */
  after?: { nextAttemptAt: number; id: string };
  /** Only deliveries of messages of these types (a scoped portal link); absent: every type. */
  eventTypes?: readonly string[];
}

export interface MessageQuery extends PageRequest {
  eventType?: string;
  /** Only messages of these types (a scoped portal link); absent: every type. */
  eventTypes?: readonly string[];
  /** Only messages published with this channel (exact, case-sensitive). */
  channel?: string;
  /** Only messages published with this Svix tag (exact, case-sensitive). */
  tag?: string;
  /** Only messages created before / after this ISO time (Date.toISOString's form: compared as text). */
  before?: string;
  after?: string;
}

/** Svix's attempted messages of one endpoint (catalogue/endpoint-message-reads.ts). */
export interface EndpointMessageQuery extends MessageQuery {
  /** Only messages whose current delivery to the endpoint has this status. */
  status?: DeliveryStatus;
  /** With `status: 'pending'`: only those tried already (true) or not yet (false). */
  attempted?: boolean;
}

/** A message sent to an endpoint, with its newest delivery there (a resend's, if any). */
export interface EndpointMessage {
  id: string;
  message: Message;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  /** Brings the schema up to date (idempotent) and says what it applied. */
  migrate(): Promise<MigrationReport>;
  ping(): Promise<void>;
  close(): Promise<void>;

  createApp(app: App): Promise<App>;
  /** By id or by the user's uid. */
  getApp(idOrUid: string): Promise<App | null>;
  listApps(page: PageRequest): Promise<Page<App>>;
  updateApp(app: App): Promise<App>;
  deleteApp(id: string): Promise<boolean>;

  /** Creates or replaces (all but `createdAt`); `revision` is 1 when created and grows on every write. */
  upsertEventType(eventType: EventType): Promise<EventType>;
  getEventType(name: string): Promise<EventType | null>;
  deleteEventType(name: string): Promise<boolean>;
  /** Alphabetical; `group` keeps one group's types. */
  listEventTypes(query: EventTypeQuery): Promise<Page<EventType>>;
  /** Every type with `validation: 'reject'`, for the publish path's schema cache. */
  listValidatedEventTypes(): Promise<EventType[]>;

  createEndpoint(endpoint: Endpoint): Promise<Endpoint>;
  getEndpoint(appId: string, endpointId: string): Promise<Endpoint | null>;
  listEndpoints(appId: string, page: PageRequest): Promise<Page<Endpoint>>;
  updateEndpoint(endpoint: Endpoint): Promise<Endpoint>;
  deleteEndpoint(appId: string, endpointId: string): Promise<boolean>;

  /** Commits the message and one delivery per matching enabled endpoint atomically. */
  publish(input: PublishInput): Promise<PublishResult>;
  /** Several publishes in one transaction, results in input order (batch API and group commit). */
  /**
   * `handOff`: the local delivery loop takes the new deliveries it has room for, leased (hand-off.ts).
   * `audit`: audit entries written in the same transaction (earlier publish calls' entries ride on it).
   */
  publishMany(inputs: PublishInput[], handOff?: HandOff, audit?: readonly AuditEntry[]): Promise<PublishResult[]>;
  getMessage(appId: string, msgId: string): Promise<Message | null>;
  /** The message holding this publisher event id's claim (unique per app; see messageToRow's event_key). */
  getMessageByEventId(appId: string, eventId: string): Promise<Message | null>;
  listMessages(appId: string, query: MessageQuery): Promise<Page<Message>>;
  /** Messages with a delivery to the endpoint, by message id, each with its newest delivery's state. */
  listEndpointMessages(appId: string, endpointId: string, query: EndpointMessageQuery): Promise<Page<EndpointMessage>>;
  /**
   * A fresh delivery of an existing message to one endpoint (resend). Throws MessagePurgedError when
   * retention purged the message's payload, checked in the same statement as the insert, so a purge
   * running meanwhile cannot slip between the check and the new delivery.
   */
  createDelivery(delivery: Delivery): Promise<Delivery>;

  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Records attempts and settles their deliveries, all in one transaction. */
  settle(settlements: Settlement[]): Promise<void>;
  /** Gives claimed-but-unsent deliveries back (graceful shutdown). */
  releaseClaims(deliveryIds: string[], leaseToken: string, now: number): Promise<void>;
  /**
   * Stores whose claim can commit without the claimer hearing of it (a connection lost during the
   * COMMIT): makes due now the deliveries leased under `leaseToken` that are not in `inFlight`, and
   * answers how many. The delivery loop calls it after a failed claim, once the store answers again.
   */
  releaseOrphanLeases?(leaseToken: string, inFlight: string[], now: number): Promise<number>;
  /** Makes every leased delivery due now; only meaningful for single-process stores at start-up. */
  releaseAllLeases(now: number): Promise<number>;
  /** Epoch ms of the earliest pending delivery, for the dispatcher's sleep. */
  nextDueAt(): Promise<number | null>;
  /** Pending deliveries and the due time of the oldest one already due, for metrics. */
  backlogStats(now: number): Promise<BacklogStats>;
  /**
   * Stores shared by several processes: calls `listener` when any process committed new work
   * (a hint only: the dispatcher keeps polling). Returns the function that stops listening.
   */
  onWork?(listener: () => void): () => void;
  /**
   * Stores shared by several processes: the lock electing the one process that runs background work
   * (src/store/leader-lock.ts). Absent: the store has one process, which is always the leader.
   */
  leaderLock?(): LeaderLock;

  createToken(token: ApiToken): Promise<ApiToken>;
  findTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  /** By its id (never secret): the portal page looks its link up to know who may frame it. */
  getToken(tokenId: string): Promise<ApiToken | null>;
  listTokens(appId: string, page: PageRequest): Promise<Page<ApiToken>>;
  deleteToken(appId: string, tokenId: string): Promise<boolean>;
  /** Revokes every portal link of the app at once; answers how many there were. */
  deletePortalTokens(appId: string): Promise<number>;

  listAttemptsForMessage(appId: string, msgId: string, query: AttemptQuery): Promise<Page<Attempt>>;
  listAttemptsForEndpoint(appId: string, endpointId: string, query: AttemptQuery): Promise<Page<Attempt>>;

  // Operations (src/store/operations.ts).
  /**
   * Records settled attempts in each endpoint's failure streak (a failure starts one, a success
   * ends it) and disables the endpoints failing since `disableIfFailingSince` or earlier; returns those.
   */
  trackEndpointFailures(tracking: FailureTracking): Promise<DisabledEndpoint[]>;
  /** Forgets an endpoint's failure streak (it was re-enabled). */
  clearEndpointFailures(endpointId: string): Promise<void>;
  createTask(task: Task): Promise<Task>;
  getTask(appId: string, taskId: string): Promise<Task | null>;
  /** Saves a task's status, counts, error and updatedAt. */
  updateTask(task: Task): Promise<void>;
  /** Tasks still running (the background leader resumes those a dead leader left), oldest first. */
  listRunningTasks(limit: number): Promise<Task[]>;
  /**
   * The failure-streak sweep: disables every enabled endpoint failing without a success since
   * `disableIfFailingSince` or earlier, forgets their streaks, and returns those it disabled.
   */
  disableFailingEndpoints(disableIfFailingSince: number, now: number): Promise<DisabledEndpoint[]>;
  /** Messages a recovery of this scope would send again (see RECOVERABLE, catalogue/operation-records.ts). */
  countRecoverable(scope: RecoveryScope): Promise<number>;
  /** Svix's replay-missing (catalogue/replay-reads.ts): the app's messages in scope never sent to the endpoint, in id order. */
  listMissingMessages(scope: ReplayScope, afterMsgId: string | null, limit: number): Promise<Message[]>;
  countMissingMessages(scope: ReplayScope): Promise<number>;
  /** Creates a new pending delivery for each of the next `limit` recoverable messages. */
  recoverBatch(batch: RecoveryBatch): Promise<RecoveryBatchResult>;
  /** Clears the data of old messages that have no pending delivery; metadata stays. */
  purgeMessagePayloads(batch: PurgeBatch): Promise<PurgeResult>;
  /** Clears the recorded request and response bodies of old attempts; metadata stays. */
  purgeAttemptBodies(batch: PurgeBatch): Promise<PurgeResult>;
  /**
   * Clears the data of messages whose own payload retention (payloadExpiresAt) is over, and their
   * attempts' bodies; a message with a pending delivery keeps them. purgeMessagePayloads skips these.
   */
  purgeExpiredPayloads(batch: ExpiredPayloadBatch): Promise<ExpiredPayloadResult>;
  /** Clears one message's payload and its attempts' bodies now, or (a delivery pending) at the next purge after they settle. */
  expungeMessageContent(appId: string, msgId: string, now: number): Promise<ExpungeOutcome>;

  // Svix's idempotency keys (src/store/catalogue/idempotency-records.ts, migration 21).
  /** Claims the key for this request, or answers who holds it: still running, or its kept answer. */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyClaimResult>;
  /** Keeps the answer of the request holding the claim; false when it no longer holds it. */
  finishIdempotencyKey(held: HeldIdempotencyKey, answer: IdempotentAnswer): Promise<boolean>;
  /** Gives the key up unanswered (the request failed), so a retry runs again. */
  releaseIdempotencyKey(held: HeldIdempotencyKey): Promise<void>;
  /** Deletes up to `limit` keys claimed before `before` (ISO), oldest first; answers how many. */
  purgeIdempotencyKeys(before: string, limit: number): Promise<number>;

  // The encryption key's records (src/store/key-records.ts; used by src/security/unlock-store.ts).
  /** The fingerprint of the key the sealed values are written with; null before the first start. */
  keyFingerprint(): Promise<string | null>;
  /** Records `fingerprint` unless one is recorded already; returns the one recorded now. */
  recordKeyFingerprint(fingerprint: string): Promise<string>;
  /** Up to `limit` sealed endpoint values, to test a key against a database from before fingerprints. */
  sampleSealedValues(limit: number): Promise<string[]>;
  /**
   * Re-seals every sealed endpoint value and records the new fingerprint, in one transaction;
   * throws LiveProcessesError, changing nothing, while a Herald process is running.
   */
  resealAll(request: ResealRequest): Promise<ResealResult>;
  /** Adds a running process, or writes its heartbeat (`seenAt`) again. */
  registerProcess(process: ProcessRecord): Promise<void>;
  unregisterProcess(id: string): Promise<void>;

  // Dashboard reads (src/store/insights.ts).
  /** Attempts to one endpoint since `since` (ISO), counted per UTC hour, oldest hour first. */
  hourlyAttemptStats(appId: string, endpointId: string, since: string): Promise<HourlyAttemptStats[]>;
  /** One endpoint's deliveries per status, created in [since, until) (ISO; null: unbounded). Svix's endpoint stats. */
  deliveryStatusCounts(appId: string, endpointId: string, since: string | null, until: string | null): Promise<Record<DeliveryStatus, number>>;
  /**
   * How many of those pending deliveries are in flight at `now`: claimed under a live lease (being
   * sent). Svix's stats `sending`. Cheap on both stores: at most the endpoint's concurrency of rows.
   */
  inFlightCount(appId: string, endpointId: string, since: string | null, until: string | null, now: number): Promise<number>;
  /** Messages whose entity matches `entity`, newest first. */
  listMessagesByEntity(appId: string, entity: EntityRef, page: PageRequest & Pick<MessageQuery, 'eventTypes'>): Promise<Page<Message>>;
  /** The newest delivery to each endpoint of each message (one query for a page of messages), with its latest attempt. */
  currentDeliveries(appId: string, msgIds: readonly string[]): Promise<DeliveryRecord[]>;
  /** One endpoint's deliveries still to be sent, the soonest due first (the endpoint page's retry queue). */
  listPendingDeliveries(appId: string, endpointId: string, query: PendingDeliveryQuery): Promise<Page<DeliveryRecord>>;

  // Per-app branding for the portal (src/store/catalogue/branding-records.ts).
  getAppBranding(appId: string): Promise<AppBranding | null>;
  /** Creates or replaces the app's name, accent and theme. */
  putAppBranding(branding: AppBranding): Promise<AppBranding>;
  deleteAppBranding(appId: string): Promise<boolean>;
  /** The app's logo without its bytes; null when it has none. */
  getLogoInfo(appId: string): Promise<BrandLogoInfo | null>;
  getLogo(appId: string): Promise<BrandLogo | null>;
  putLogo(appId: string, logo: BrandLogo): Promise<void>;
  deleteLogo(appId: string): Promise<boolean>;

  // Named operator tokens and the audit log (src/store/catalogue/operator-records.ts).
  /** Throws StoreConflictError when the name is taken. */
  createOperatorToken(token: OperatorToken): Promise<OperatorToken>;
  findOperatorTokenByHash(tokenHash: string): Promise<OperatorToken | null>;
  listOperatorTokens(page: PageRequest): Promise<Page<OperatorToken>>;
  deleteOperatorToken(id: string): Promise<boolean>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Appends every entry in one transaction. */
  appendAuditMany(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first, filtered by time, token (name or id), app and action. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Deletes up to `limit` audit entries with ids below `beforeId`, oldest first; answers how many. */
  purgeAudit(beforeId: string, limit: number): Promise<number>;
}
