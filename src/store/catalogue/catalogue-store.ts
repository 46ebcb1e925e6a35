import type { ApiToken, App, Endpoint, EventType, Message } from '../../domain/model.js';
import type { Task } from '../../domain/task.js';
import type { EntityRef } from '../insights.js';
import type { ProcessRecord } from '../key-records.js';
import type { RecoveryScope, ReplayScope } from '../operations.js';
import { countMissingMessages, listMissingMessages } from './replay-reads.js';
import type { SecretCodec } from '../secret-codec.js';
import type { SqlRunner } from '../sql-runner.js';
import type { AttemptQuery, EndpointMessageQuery, EventTypeQuery, MessageQuery, PageRequest, PendingDeliveryQuery } from '../store.js';
import type { AppBranding, BrandLogo } from '../../domain/branding.js';
import { BrandingRecords } from './branding-records.js';
import { OperatorRecords } from './operator-records.js';
import type { AuditEntry, AuditQuery, OperatorToken } from '../../domain/operators.js';
import { OperationRecords } from './operation-records.js';
import { CatalogueReads } from './reads.js';
import { listEndpointMessages } from './endpoint-message-reads.js';
import { CatalogueRecords } from './records.js';
import { IdempotencyRecords } from './idempotency-records.js';
import type { HeldIdempotencyKey, IdempotencyClaim, IdempotentAnswer } from '../idempotency.js';

/**
 * The part of the Store that is the same SQL on every backend, over the backend's SqlRunner.
 * SqliteStore and PostgresStore extend it and add what really differs: connection, migrations,
 * publish, claim, settle, leases, notifications and the statements that lock rows their own way.
 */
export abstract class CatalogueStore {
  private readonly records: CatalogueRecords;
  private readonly reads: CatalogueReads;
  private readonly operations: OperationRecords;
  private readonly branding: BrandingRecords;
  private readonly operators: OperatorRecords;
  private readonly idempotency: IdempotencyRecords;
  /** For the read modules that are plain functions over the runner. */
  private readonly readSql: SqlRunner;

  protected constructor(sql: SqlRunner, codec: SecretCodec) {
    this.records = new CatalogueRecords(sql, codec);
    this.reads = new CatalogueReads(sql);
    this.operations = new OperationRecords(sql);
    this.branding = new BrandingRecords(sql);
    this.operators = new OperatorRecords(sql);
    this.idempotency = new IdempotencyRecords(sql);
    this.readSql = sql;
  }

  createApp(app: App) { return this.records.createApp(app); }
  getApp(idOrUid: string) { return this.records.getApp(idOrUid); }
  listApps(page: PageRequest) { return this.records.listApps(page); }
  updateApp(app: App) { return this.records.updateApp(app); }
  deleteApp(id: string) { return this.records.deleteApp(id); }
  upsertEventType(eventType: EventType) { return this.records.upsertEventType(eventType); }
  getEventType(name: string) { return this.records.getEventType(name); }
  deleteEventType(name: string) { return this.records.deleteEventType(name); }
  listEventTypes(query: EventTypeQuery) { return this.records.listEventTypes(query); }
  listValidatedEventTypes() { return this.records.listValidatedEventTypes(); }
  createEndpoint(endpoint: Endpoint) { return this.records.createEndpoint(endpoint); }
  getEndpoint(appId: string, endpointId: string) { return this.records.getEndpoint(appId, endpointId); }
  listEndpoints(appId: string, page: PageRequest) { return this.records.listEndpoints(appId, page); }
  updateEndpoint(endpoint: Endpoint) { return this.records.updateEndpoint(endpoint); }
  deleteEndpoint(appId: string, endpointId: string) { return this.records.deleteEndpoint(appId, endpointId); }
  createToken(token: ApiToken) { return this.records.createToken(token); }
  findTokenByHash(tokenHash: string) { return this.records.findTokenByHash(tokenHash); }
  getToken(tokenId: string) { return this.records.getToken(tokenId); }
  listTokens(appId: string, page: PageRequest) { return this.records.listTokens(appId, page); }
  deleteToken(appId: string, tokenId: string) { return this.records.deleteToken(appId, tokenId); }
  deletePortalTokens(appId: string) { return this.records.deletePortalTokens(appId); }

  getMessage(appId: string, msgId: string): Promise<Message | null> { return this.reads.getMessage(appId, msgId); }
  getMessageByEventId(appId: string, eventId: string): Promise<Message | null> { return this.reads.getMessageByEventId(appId, eventId); }
  listMessages(appId: string, query: MessageQuery) { return this.reads.listMessages(appId, query); }
  listEndpointMessages(appId: string, endpointId: string, query: EndpointMessageQuery) { return listEndpointMessages(this.readSql, appId, endpointId, query); }
  listMessagesByEntity(appId: string, entity: EntityRef, page: PageRequest & Pick<MessageQuery, 'eventTypes'>) { return this.reads.listMessagesByEntity(appId, entity, page); }
  hourlyAttemptStats(appId: string, endpointId: string, since: string) { return this.reads.hourlyAttemptStats(appId, endpointId, since); }
  deliveryStatusCounts(appId: string, endpointId: string, since: string | null, until: string | null) { return this.reads.deliveryStatusCounts(appId, endpointId, since, until); }
  currentDeliveries(appId: string, msgIds: readonly string[]) { return this.reads.currentDeliveries(appId, msgIds); }
  listPendingDeliveries(appId: string, endpointId: string, query: PendingDeliveryQuery) { return this.reads.listPendingDeliveries(appId, endpointId, query); }
  listAttemptsForMessage(appId: string, msgId: string, query: AttemptQuery) { return this.reads.listAttempts('msg_id', appId, msgId, query); }
  listAttemptsForEndpoint(appId: string, endpointId: string, query: AttemptQuery) {
    return this.reads.listAttempts('endpoint_id', appId, endpointId, query);
  }

  createTask(task: Task) { return this.operations.createTask(task); }
  getTask(appId: string, taskId: string) { return this.operations.getTask(appId, taskId); }
  updateTask(task: Task) { return this.operations.updateTask(task); }
  countRecoverable(scope: RecoveryScope) { return this.operations.countRecoverable(scope); }
  listMissingMessages(scope: ReplayScope, afterMsgId: string | null, limit: number) { return listMissingMessages(this.readSql, scope, afterMsgId, limit); }
  countMissingMessages(scope: ReplayScope) { return countMissingMessages(this.readSql, scope); }
  listRunningTasks(limit: number) { return this.operations.listRunningTasks(limit); }
  disableFailingEndpoints(disableIfFailingSince: number, now: number) { return this.operations.disableFailingEndpoints(disableIfFailingSince, now); }
  clearEndpointFailures(endpointId: string) { return this.operations.clearEndpointFailures(endpointId); }
  keyFingerprint() { return this.operations.keyFingerprint(); }
  recordKeyFingerprint(fingerprint: string) { return this.operations.recordKeyFingerprint(fingerprint); }
  sampleSealedValues(limit: number) { return this.operations.sampleSealedValues(limit); }
  registerProcess(process: ProcessRecord) { return this.operations.registerProcess(process); }
  unregisterProcess(id: string) { return this.operations.unregisterProcess(id); }

  getAppBranding(appId: string) { return this.branding.getAppBranding(appId); }
  putAppBranding(branding: AppBranding) { return this.branding.putAppBranding(branding); }
  deleteAppBranding(appId: string) { return this.branding.deleteAppBranding(appId); }
  getLogoInfo(appId: string) { return this.branding.getLogoInfo(appId); }
  getLogo(appId: string) { return this.branding.getLogo(appId); }
  putLogo(appId: string, logo: BrandLogo) { return this.branding.putLogo(appId, logo); }
  deleteLogo(appId: string) { return this.branding.deleteLogo(appId); }

  createOperatorToken(token: OperatorToken) { return this.operators.createOperatorToken(token); }
  findOperatorTokenByHash(tokenHash: string) { return this.operators.findOperatorTokenByHash(tokenHash); }
  listOperatorTokens(page: PageRequest) { return this.operators.listOperatorTokens(page); }
  deleteOperatorToken(id: string) { return this.operators.deleteOperatorToken(id); }
  appendAudit(entry: AuditEntry) { return this.operators.appendAudit(entry); }
  appendAuditMany(entries: readonly AuditEntry[]) { return this.operators.appendAuditMany(entries); }
  listAudit(query: AuditQuery) { return this.operators.listAudit(query); }
  purgeAudit(beforeId: string, limit: number) { return this.operators.purgeAudit(beforeId, limit); }

  claimIdempotencyKey(claim: IdempotencyClaim) { return this.idempotency.claimIdempotencyKey(claim); }
  finishIdempotencyKey(held: HeldIdempotencyKey, answer: IdempotentAnswer) { return this.idempotency.finishIdempotencyKey(held, answer); }
  releaseIdempotencyKey(held: HeldIdempotencyKey) { return this.idempotency.releaseIdempotencyKey(held); }
  purgeIdempotencyKeys(before: string, limit: number) { return this.idempotency.purgeIdempotencyKeys(before, limit); }
}
