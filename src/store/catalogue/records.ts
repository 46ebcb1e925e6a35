import type { ApiToken, App, Endpoint, EventType } from '../../domain/model.js';
import { StoreConflictError } from '../errors.js';
import { toPage } from '../paginate.js';
import {
  appToRow, endpointToRow, rowToApp, rowToEndpoint, rowToEventType, rowToToken, tokenToRow,
} from '../rows.js';
import type { SecretCodec } from '../secret-codec.js';
import { insertInto, updateOf, type SqlRunner, type Statement } from '../sql-runner.js';
import type { Page, PageRequest } from '../store.js';

// The records users configure: apps, event types, endpoints and API tokens. Lists page newest
// first by id (ids are ULIDs), fetching one row more than asked to know whether more exist.

export class CatalogueRecords {
  constructor(private readonly sql: SqlRunner, private readonly codec: SecretCodec) {}

  /** Runs one statement, or several in one transaction; a unique constraint refusing them is a conflict. */
  private async write(statements: Statement | Statement[], conflict: string): Promise<void> {
    try {
      if (Array.isArray(statements)) await this.sql.runAll(statements);
      else await this.sql.run(statements.sql, statements.params);
    } catch (err) {
      throw this.sql.isUniqueViolation(err) ? new StoreConflictError(conflict) : err;
    }
  }

  async createApp(app: App): Promise<App> {
    await this.write(insertInto('apps', appToRow(app)), `an app with uid "${app.uid}" already exists`);
    return app;
  }

  async getApp(idOrUid: string): Promise<App | null> {
    const [row] = await this.sql.rows('SELECT * FROM apps WHERE id = $1 OR uid = $1', [idOrUid]);
    return row ? rowToApp(row) : null;
  }

  async listApps(page: PageRequest): Promise<Page<App>> {
    const rows = await this.sql.rows(
      'SELECT * FROM apps WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2',
      [page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToApp), page.limit);
  }

  async updateApp(app: App): Promise<App> {
    await this.write(updateOf('apps', appToRow(app), ['id'], ['created_at']), `an app with uid "${app.uid}" already exists`);
    return app;
  }

  async deleteApp(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM apps WHERE id = $1', [id])) > 0;
  }

  async upsertEventType(eventType: EventType): Promise<EventType> {
    const [row] = await this.sql.rows(
      `INSERT INTO event_types (name, description, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description RETURNING *`,
      [eventType.name, eventType.description, eventType.createdAt],
    );
    return rowToEventType(row!);
  }

  async listEventTypes(page: PageRequest): Promise<Page<EventType>> {
    // The catalogue reads best alphabetically; the iterator is the last name.
    const rows = await this.sql.rows(
      'SELECT * FROM event_types WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2',
      [page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToEventType), page.limit);
  }

  async createEndpoint(endpoint: Endpoint): Promise<Endpoint> {
    // Its gate row (claim lock and rate-limit bucket, see migration 4) is born with it; tokens 0
    // at time 0 read as a full bucket. PostgreSQL's claim goes through the gate.
    await this.write([
      insertInto('endpoints', endpointToRow(endpoint, this.codec)),
      { sql: 'INSERT INTO endpoint_gates (endpoint_id, tokens, refilled_at) VALUES ($1, 0, 0)', params: [endpoint.id] },
    ], `an endpoint with uid "${endpoint.uid}" already exists in this app`);
    return endpoint;
  }

  async getEndpoint(appId: string, endpointId: string): Promise<Endpoint | null> {
    const [row] = await this.sql.rows('SELECT * FROM endpoints WHERE app_id = $1 AND id = $2', [appId, endpointId]);
    return row ? rowToEndpoint(row, this.codec) : null;
  }

  async listEndpoints(appId: string, page: PageRequest): Promise<Page<Endpoint>> {
    const rows = await this.sql.rows(
      'SELECT * FROM endpoints WHERE app_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3',
      [appId, page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map((r) => rowToEndpoint(r, this.codec)), page.limit);
  }

  async updateEndpoint(endpoint: Endpoint): Promise<Endpoint> {
    const update = updateOf('endpoints', endpointToRow(endpoint, this.codec), ['id', 'app_id'], ['created_at', 'uid']);
    await this.write(update, `an endpoint with uid "${endpoint.uid}" already exists in this app`);
    return endpoint;
  }

  async deleteEndpoint(appId: string, endpointId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM endpoints WHERE app_id = $1 AND id = $2', [appId, endpointId])) > 0;
  }

  async createToken(token: ApiToken): Promise<ApiToken> {
    const insert = insertInto('api_tokens', tokenToRow(token));
    await this.sql.run(insert.sql, insert.params);
    return token;
  }

  async findTokenByHash(hash: string): Promise<ApiToken | null> {
    const [row] = await this.sql.rows('SELECT * FROM api_tokens WHERE token_hash = $1', [hash]);
    return row ? rowToToken(row) : null;
  }

  async listTokens(appId: string, page: PageRequest): Promise<Page<ApiToken>> {
    const rows = await this.sql.rows(
      'SELECT * FROM api_tokens WHERE app_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3',
      [appId, page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToToken), page.limit);
  }

  async deleteToken(appId: string, tokenId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM api_tokens WHERE app_id = $1 AND id = $2', [appId, tokenId])) > 0;
  }
}
