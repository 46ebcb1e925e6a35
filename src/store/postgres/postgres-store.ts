import pg from 'pg';
import type { Logger } from 'pino';
import type { ApiToken, App, Delivery, Endpoint, EventType, Message } from '../../domain/model.js';
import { toPage } from '../paginate.js';
import { plainCodec, type SecretCodec } from '../secret-codec.js';
import { deliveryToRow, rowToMessage } from '../rows.js';
import type {
  AttemptQuery, ClaimRequest, ClaimedDelivery, MessageQuery, Page, PageRequest,
  PublishInput, PublishResult, Settlement, Store,
} from '../store.js';
import { CatalogueStore } from '../catalogue/catalogue-store.js';
import { insertInto } from '../sql-runner.js';
import { PostgresRunner } from './postgres-runner.js';
import { claimDuePostgres } from './claim.js';
import { parsePostgresLocation, poolConfig, type PostgresLocation } from './connection.js';
import {
  backlogStatsPostgres, listAttemptsPostgres, nextDueAtPostgres, releaseAllLeasesPostgres, releaseClaimsPostgres, settlePostgres,
} from './dispatch-queries.js';
import { runPostgresMigrations } from './migrations.js';
import { publishManyPostgres, WORK_CHANNEL } from './publish.js';
import { WorkListener } from './work-listener.js';
import type { Task } from '../../domain/task.js';
import type { FailureTracking, PurgeBatch, RecoveryBatch, RecoveryScope } from '../operations.js';
import { pgClearEndpointFailures, pgTrackEndpointFailures } from './endpoint-health-queries.js';
import { pgCountRecoverable, pgCreateTask, pgGetTask, pgRecoverBatch, pgUpdateTask } from './task-queries.js';
import { pgPurgeAttemptBodies, pgPurgeMessagePayloads } from './retention-queries.js';
import type { ProcessRecord, ResealRequest } from '../key-records.js';
import {
  pgKeyFingerprint, pgRecordKeyFingerprint, pgRegisterProcess, pgResealAll, pgSampleSealedValues, pgUnregisterProcess,
} from './key-queries.js';

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
  /** The schema the tables are in, resolved by migrate(); names this store's NOTIFYs. */
  private schemaKey = '';

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
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    const onError = () => undefined; // a lost connection fails the migration query itself
    client.on('error', onError);
    try {
      await runPostgresMigrations(client, this.location.schema);
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      this.schemaKey = rows[0]!.schema;
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

  onWork(listener: () => void): () => void {
    return this.listener.subscribe(listener);
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    return (await publishManyPostgres(this.pool, [input], this.schemaKey))[0]!;
  }

  publishMany(inputs: PublishInput[]): Promise<PublishResult[]> {
    return publishManyPostgres(this.pool, inputs, this.schemaKey);
  }

  async getMessage(appId: string, msgId: string): Promise<Message | null> {
    const { rows } = await this.pool.query('SELECT * FROM messages WHERE app_id = $1 AND id = $2', [appId, msgId]);
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  async listMessages(appId: string, query: MessageQuery): Promise<Page<Message>> {
    const { rows } = await this.pool.query(
      `SELECT * FROM messages WHERE app_id = $1 AND ($2::text IS NULL OR id < $2)
         AND ($3::text IS NULL OR event_type = $3)
       ORDER BY id DESC LIMIT $4`,
      [appId, query.iterator ?? null, query.eventType ?? null, query.limit + 1],
    );
    return toPage(rows.map((r) => rowToMessage(r)), query.limit);
  }

  async createDelivery(delivery: Delivery): Promise<Delivery> {
    const { sql, params } = insertInto('deliveries', deliveryToRow(delivery));
    await this.pool.query(
      `WITH created AS (${sql}) SELECT pg_notify($${params.length + 1}, $${params.length + 2})`,
      [...params, WORK_CHANNEL, this.schemaKey],
    );
    return delivery;
  }

  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    return claimDuePostgres(this.pool, this.codec, request);
  }

  settle(settlements: Settlement[]): Promise<void> {
    return settlePostgres(this.pool, settlements);
  }

  releaseClaims(deliveryIds: string[], leaseToken: string, now: number): Promise<void> {
    return releaseClaimsPostgres(this.pool, deliveryIds, leaseToken, now);
  }

  releaseAllLeases(now: number): Promise<number> {
    return releaseAllLeasesPostgres(this.pool, now);
  }

  nextDueAt(): Promise<number | null> {
    return nextDueAtPostgres(this.pool);
  }

  backlogStats(now: number) {
    return backlogStatsPostgres(this.pool, now);
  }

  listAttemptsForMessage(appId: string, msgId: string, query: AttemptQuery) {
    return listAttemptsPostgres(this.pool, 'msg_id', appId, msgId, query);
  }

  listAttemptsForEndpoint(appId: string, endpointId: string, query: AttemptQuery) {
    return listAttemptsPostgres(this.pool, 'endpoint_id', appId, endpointId, query);
  }

  trackEndpointFailures(tracking: FailureTracking) { return pgTrackEndpointFailures(this.pool, tracking); }
  clearEndpointFailures(endpointId: string) { return pgClearEndpointFailures(this.pool, endpointId); }
  createTask(task: Task) { return pgCreateTask(this.pool, task); }
  getTask(appId: string, taskId: string) { return pgGetTask(this.pool, appId, taskId); }
  updateTask(task: Task) { return pgUpdateTask(this.pool, task); }
  countRecoverable(scope: RecoveryScope) { return pgCountRecoverable(this.pool, scope); }
  recoverBatch(batch: RecoveryBatch) { return pgRecoverBatch(this.pool, batch, this.schemaKey); }
  purgeMessagePayloads(batch: PurgeBatch) { return pgPurgeMessagePayloads(this.pool, batch); }
  purgeAttemptBodies(batch: PurgeBatch) { return pgPurgeAttemptBodies(this.pool, batch); }

  keyFingerprint() { return pgKeyFingerprint(this.pool); }
  recordKeyFingerprint(fingerprint: string) { return pgRecordKeyFingerprint(this.pool, fingerprint); }
  sampleSealedValues(limit: number) { return pgSampleSealedValues(this.pool, limit); }
  resealAll(request: ResealRequest) { return pgResealAll(this.pool, request); }
  registerProcess(process: ProcessRecord) { return pgRegisterProcess(this.pool, process); }
  unregisterProcess(id: string) { return pgUnregisterProcess(this.pool, id); }
}
