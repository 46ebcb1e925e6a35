import pg from 'pg';
import type { Logger } from 'pino';
import type { Delivery } from '../../domain/model.js';
import { CatalogueStore } from '../catalogue/catalogue-store.js';
import type { ResealRequest } from '../key-records.js';
import type { FailureTracking, PurgeBatch, RecoveryBatch } from '../operations.js';
import { MessagePurgedError } from '../errors.js';
import { deliveryToRow } from '../rows.js';
import { plainCodec, type SecretCodec } from '../secret-codec.js';
import type { ClaimRequest, ClaimedDelivery, PublishInput, PublishResult, Settlement, Store } from '../store.js';
import { claimDuePostgres } from './claim.js';
import { parsePostgresLocation, poolConfig, type PostgresLocation } from './connection.js';
import {
  backlogStatsPostgres, nextDueAtPostgres, releaseAllLeasesPostgres, releaseClaimsPostgres, releaseOrphanLeasesPostgres, settlePostgres,
} from './dispatch-queries.js';
import { pgTrackEndpointFailures } from './endpoint-health-queries.js';
import { pgResealAll } from './key-queries.js';
import type { MigrationReport } from '../migration-report.js';
import { runPostgresMigrations } from './migrations.js';
import { PostgresRunner } from './postgres-runner.js';
import { publishManyPostgres, WORK_CHANNEL } from './publish.js';
import type { HandOff } from '../hand-off.js';
import type { AuditEntry } from '../../domain/operators.js';
import { pgPurgeAttemptBodies, pgPurgeExpiredPayloads, pgPurgeMessagePayloads } from './retention-queries.js';
import type { ExpiredPayloadBatch } from '../payload-expiry.js';
import { pgRecoverBatch } from './task-queries.js';
import { WorkListener } from './work-listener.js';
import { PgLeaderLock } from './leader-lock.js';
import { pgExpungeMessageContent } from './expunge-queries.js';
import type { LeaderLock } from '../leader-lock.js';

export interface PostgresStoreOptions {
  /** `postgres://…`, optionally with `?schema=name` and `?pool_size=n`. */
  url: string;
  codec?: SecretCodec;
  /** Where connection problems of the background LISTEN connection are reported. */
  logger?: Logger;
}

/**
 * The store for several Herald processes sharing one PostgreSQL database: claims use row
 * locks with SKIP LOCKED and leases, so any number of workers can run side by side, and a
 * worker that dies loses nothing (its leases expire and another worker takes the deliveries).
 */
export class PostgresStore extends CatalogueStore implements Store {
  // Other processes hold live leases: releasing every lease at start-up would hand their
  // in-flight deliveries out a second time.
  readonly capabilities = { singleProcess: false };
  private readonly location: PostgresLocation;
  private readonly pool: pg.Pool;
  private readonly codec: SecretCodec;
  private readonly listener: WorkListener;
  private readonly logger: Logger | undefined;
  /** The schema the tables are in, resolved by migrate(); names this store's NOTIFYs. */
  private schemaKey = '';
  /**
   * The last short claim's answer to nextDueAt (claim-function-v26.ts): the delivery loop asks right
   * after such a claim, and this saves that round trip. Asked once, on the claim's turn of the event
   * loop; undefined: ask the database. Not kept when this store wrote deliveries during the claim or
   * since (`dispatchWrites` moved), which could have made work due sooner; other processes' writes
   * reach the loop as wake-ups, as before.
   */
  private nextDueFromClaim: number | null | undefined;
  private dispatchWrites = 0;

  constructor(options: PostgresStoreOptions) {
    const location = parsePostgresLocation(options.url);
    const pool = new pg.Pool(poolConfig(location));
    const codec = options.codec ?? plainCodec;
    super(new PostgresRunner(pool), codec);
    this.location = location;
    this.pool = pool;
    // An idle pooled connection that breaks (server restart) must not crash the process: the
    // pool drops it and the next query opens a new one.
    this.pool.on('error', (err) => options.logger?.warn({ err }, 'idle PostgreSQL connection lost'));
    this.codec = codec;
    this.listener = new WorkListener(poolConfig(this.location), () => this.schemaKey, options.logger);
    this.logger = options.logger;
  }

  async migrate(): Promise<MigrationReport> {
    const client = await this.pool.connect();
    const onError = () => undefined; // a lost connection fails the migration query itself
    client.on('error', onError);
    try {
      const report = await runPostgresMigrations(client, this.location.schema);
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      this.schemaKey = rows[0]!.schema;
      return report;
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.listener.close();
    await this.pool.end();
  }

  leaderLock(): LeaderLock {
    return new PgLeaderLock(poolConfig(this.location), `herald:leader:${this.location.schema ?? 'default'}`, this.logger);
  }

  onWork(listener: () => void): () => void {
    return this.listener.subscribe(listener);
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    return (await this.writing(() => publishManyPostgres(this.pool, [input], this.schemaKey)))[0]!;
  }

  publishMany(inputs: PublishInput[], handOff?: HandOff, audit?: readonly AuditEntry[]): Promise<PublishResult[]> {
    return this.writing(() => publishManyPostgres(this.pool, inputs, this.schemaKey, handOff && { offer: handOff, codec: this.codec }, audit));
  }

  /** Runs a write that may change what is due next (see nextDueFromClaim). */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    this.dispatchWrites++;
    this.nextDueFromClaim = undefined;
    try {
      return await write();
    } finally {
      this.dispatchWrites++;
      this.nextDueFromClaim = undefined;
    }
  }

  createDelivery(delivery: Delivery): Promise<Delivery> {
    return this.writing(() => this.insertDelivery(delivery));
  }

  private async insertDelivery(delivery: Delivery): Promise<Delivery> {
    const row = deliveryToRow(delivery);
    const columns = Object.keys(row);
    const n = columns.length;
    // Only while the message keeps its payload. FOR SHARE: a purge pass holding the message waits us
    // out and re-reads purged_at; one starting after us skips the row (its FOR UPDATE SKIP LOCKED),
    // and sees the pending delivery at its next pass.
    const { rows } = await this.pool.query(
      `WITH created AS (
         INSERT INTO deliveries (${columns.join(', ')})
         SELECT ${columns.map((_, i) => `$${i + 1}`).join(', ')} FROM messages
         WHERE id = $${n + 1} AND purged_at IS NULL FOR SHARE
         RETURNING id
       )
       SELECT pg_notify($${n + 2}, $${n + 3}) FROM created`,
      [...Object.values(row), delivery.msgId, WORK_CHANNEL, this.schemaKey],
    );
    if (rows.length === 0) throw new MessagePurgedError(delivery.msgId);
    return delivery;
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const writesBefore = this.dispatchWrites;
    const { claimed, nextDueAt } = await claimDuePostgres(this.pool, this.codec, request);
    this.nextDueFromClaim = this.dispatchWrites === writesBefore ? nextDueAt : undefined;
    // Good for this turn of the event loop only: the loop asks on the same turn, and anything that
    // reaches the database later (an endpoint enabled, say) is then asked about afresh.
    if (this.nextDueFromClaim !== undefined) setImmediate(() => (this.nextDueFromClaim = undefined));
    return claimed;
  }

  settle(settlements: Settlement[]): Promise<void> {
    return this.writing(() => settlePostgres(this.pool, settlements));
  }

  releaseClaims(deliveryIds: string[], leaseToken: string, now: number): Promise<void> {
    return this.writing(() => releaseClaimsPostgres(this.pool, deliveryIds, leaseToken, now));
  }

  releaseOrphanLeases(leaseToken: string, inFlight: string[], now: number): Promise<number> {
    return this.writing(() => releaseOrphanLeasesPostgres(this.pool, leaseToken, inFlight, now));
  }

  releaseAllLeases(now: number): Promise<number> {
    return this.writing(() => releaseAllLeasesPostgres(this.pool, now));
  }

  /** Live leases are rows here (lease_token, next_attempt_at its expiry), found through deliveries_leased. */
  async inFlightCount(appId: string, endpointId: string, since: string | null, until: string | null, now: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM deliveries
       WHERE endpoint_id = $1 AND status = 'pending' AND lease_token IS NOT NULL AND next_attempt_at > $2 AND app_id = $3
         AND ($4::text IS NULL OR created_at >= $4) AND ($5::text IS NULL OR created_at < $5)`,
      [endpointId, now, appId, since, until],
    );
    return Number(rows[0]!.n);
  }

  nextDueAt(): Promise<number | null> {
    const known = this.nextDueFromClaim;
    this.nextDueFromClaim = undefined;
    return known !== undefined ? Promise.resolve(known) : nextDueAtPostgres(this.pool);
  }

  backlogStats(now: number) {
    return backlogStatsPostgres(this.pool, now);
  }

  trackEndpointFailures(tracking: FailureTracking) { return pgTrackEndpointFailures(this.pool, tracking); }
  recoverBatch(batch: RecoveryBatch) { return this.writing(() => pgRecoverBatch(this.pool, batch, this.schemaKey)); }
  purgeMessagePayloads(batch: PurgeBatch) { return pgPurgeMessagePayloads(this.pool, batch); }
  purgeAttemptBodies(batch: PurgeBatch) { return pgPurgeAttemptBodies(this.pool, batch); }
  purgeExpiredPayloads(batch: ExpiredPayloadBatch) { return pgPurgeExpiredPayloads(this.pool, batch); }
  expungeMessageContent(appId: string, msgId: string, now: number) { return pgExpungeMessageContent(this.pool, appId, msgId, now); }
  resealAll(request: ResealRequest) { return pgResealAll(this.pool, request); }
}
