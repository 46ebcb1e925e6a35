import type { ApiToken, App, Endpoint, EventType } from '../../domain/model.js';
import type { SecretCodec } from '../secret-codec.js';
import type { SqlRunner } from '../sql-runner.js';
import type { PageRequest } from '../store.js';
import { CatalogueRecords } from './records.js';

/**
 * The part of the Store that is the same SQL on every backend, over the backend's SqlRunner.
 * SqliteStore and PostgresStore extend it and add what really differs: connection, migrations,
 * publish, claim, settle, leases, notifications and the statements that lock rows their own way.
 */
export abstract class CatalogueStore {
  private readonly records: CatalogueRecords;

  protected constructor(sql: SqlRunner, codec: SecretCodec) {
    this.records = new CatalogueRecords(sql, codec);
  }

  createApp(app: App) { return this.records.createApp(app); }
  getApp(idOrUid: string) { return this.records.getApp(idOrUid); }
  listApps(page: PageRequest) { return this.records.listApps(page); }
  updateApp(app: App) { return this.records.updateApp(app); }
  deleteApp(id: string) { return this.records.deleteApp(id); }
  upsertEventType(eventType: EventType) { return this.records.upsertEventType(eventType); }
  listEventTypes(page: PageRequest) { return this.records.listEventTypes(page); }
  createEndpoint(endpoint: Endpoint) { return this.records.createEndpoint(endpoint); }
  getEndpoint(appId: string, endpointId: string) { return this.records.getEndpoint(appId, endpointId); }
  listEndpoints(appId: string, page: PageRequest) { return this.records.listEndpoints(appId, page); }
  updateEndpoint(endpoint: Endpoint) { return this.records.updateEndpoint(endpoint); }
  deleteEndpoint(appId: string, endpointId: string) { return this.records.deleteEndpoint(appId, endpointId); }
  createToken(token: ApiToken) { return this.records.createToken(token); }
  findTokenByHash(tokenHash: string) { return this.records.findTokenByHash(tokenHash); }
  listTokens(appId: string, page: PageRequest) { return this.records.listTokens(appId, page); }
  deleteToken(appId: string, tokenId: string) { return this.records.deleteToken(appId, tokenId); }
}
