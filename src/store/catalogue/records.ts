import type { ApiToken, App, Endpoint, EventType } from '../../domain/model.js';
import { StoreConflictError } from '../errors.js';
import { keysetOrder, toPage } from '../paginate.js';
import {
  appToRow, endpointToRow, eventTypeToRow, rowToApp, rowToEndpoint, rowToEventType, rowToToken, tokenToRow,
} from '../rows.js';
import type { SecretCodec } from '../secret-codec.js';
import { insertInto, updateOf, type SqlRunner, type Statement } from '../sql-runner.js';
import type { EventTypeQuery, Page, PageRequest } from '../store.js';

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
    const { beyond, dir } = keysetOrder(page.order);
    const rows = await this.sql.rows(
      `SELECT * FROM apps WHERE ($1::text IS NULL OR id ${beyond} $1) ORDER BY id ${dir} LIMIT $2`,
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

  /**
   * Creates the type, or replaces every field of an existing one but its creation time; either way
   * its revision grows (1 when created), which tells processes caching its compiled schema to recompile.
   */
  async upsertEventType(eventType: EventType): Promise<EventType> {
    const row = eventTypeToRow(eventType);
    const columns = Object.keys(row);
    const changed = columns.filter((c) => c !== 'name' && c !== 'created_at').map((c) => `${c} = excluded.${c}`);
    const [stored] = await this.sql.rows(
      `INSERT INTO event_types (${columns.join(', ')}, revision) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, 1)
       ON CONFLICT (name) DO UPDATE SET ${changed.join(', ')}, revision = event_types.revision + 1 RETURNING *`,
      Object.values(row),
    );
    return rowToEventType(stored!);
  }

  async getEventType(name: string): Promise<EventType | null> {
    const [row] = await this.sql.rows('SELECT * FROM event_types WHERE name = $1', [name]);
    return row ? rowToEventType(row) : null;
  }

  async deleteEventType(name: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM event_types WHERE name = $1', [name])) > 0;
  }

  async listEventTypes(query: EventTypeQuery): Promise<Page<EventType>> {
    // The catalogue reads best alphabetically; the iterator is the last name.
    const { beyond, dir } = keysetOrder(query.order, 'asc');
    const rows = await this.sql.rows(
      `SELECT * FROM event_types WHERE ($1::text IS NULL OR name ${beyond} $1) AND ($2::text IS NULL OR group_name = $2)
         AND (archived = 0 OR $4::integer = 1)
       ORDER BY name ${dir} LIMIT $3`,
      [query.iterator ?? null, query.group ?? null, query.limit + 1, query.includeArchived ? 1 : 0],
    );
    return toPage(rows.map(rowToEventType), query.limit);
  }

  /** The types whose publishes are checked against their schema (few): what a publishing process caches. */
  async listValidatedEventTypes(): Promise<EventType[]> {
    const rows = await this.sql.rows("SELECT * FROM event_types WHERE validation = 'reject' ORDER BY name");
    return rows.map(rowToEventType);
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
    const { beyond, dir } = keysetOrder(page.order);
    const rows = await this.sql.rows(
      `SELECT * FROM endpoints WHERE app_id = $1 AND ($2::text IS NULL OR id ${beyond} $2) ORDER BY id ${dir} LIMIT $3`,
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

  async getToken(tokenId: string): Promise<ApiToken | null> {
    const [row] = await this.sql.rows('SELECT * FROM api_tokens WHERE id = $1', [tokenId]);
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

  async deletePortalTokens(appId: string): Promise<number> {
    return this.sql.run("DELETE FROM api_tokens WHERE app_id = $1 AND kind = 'portal'", [appId]);
  }
}
