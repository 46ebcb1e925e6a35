import type { Pool } from 'pg';
import type { ApiToken, App, Endpoint, EventType } from '../../domain/model.js';
import { StoreConflictError } from '../errors.js';
import { toPage } from '../paginate.js';
import type { SecretCodec } from '../secret-codec.js';
import { appToRow, endpointToRow, rowToApp, rowToEndpoint, rowToEventType, rowToToken } from '../rows.js';
import type { Page, PageRequest } from '../store.js';
import { isUniqueViolation } from './connection.js';
import { insertStatement, updateStatement } from './sql.js';

type Row = Record<string, any>;

/** Apps, event types, endpoints and API tokens: the records users configure. */
export class PostgresCatalog {
  constructor(private readonly pool: Pool, private readonly codec: SecretCodec) {}

  private endpointRow(e: Endpoint): Row {
    return { ...endpointToRow(e, this.codec), disabled: e.disabled };
  }

  async createApp(app: App): Promise<App> {
    const { text, values } = insertStatement('apps', appToRow(app));
    await this.pool.query(text, values).catch((err) => {
      throw conflict(err, `an app with uid "${app.uid}" already exists`);
    });
    return app;
  }

  async getApp(idOrUid: string): Promise<App | null> {
    const { rows } = await this.pool.query('SELECT * FROM apps WHERE id = $1 OR uid = $1', [idOrUid]);
    return rows[0] ? rowToApp(rows[0]) : null;
  }

  async listApps(page: PageRequest): Promise<Page<App>> {
    const { rows } = await this.pool.query(
      'SELECT * FROM apps WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2',
      [page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToApp), page.limit);
  }

  async updateApp(app: App): Promise<App> {
    const { text, values } = updateStatement('apps', appToRow(app), ['id'], ['created_at']);
    await this.pool.query(text, values).catch((err) => {
      throw conflict(err, `an app with uid "${app.uid}" already exists`);
    });
    return app;
  }

  async deleteApp(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM apps WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async upsertEventType(eventType: EventType): Promise<EventType> {
    const { rows } = await this.pool.query(
      `INSERT INTO event_types (name, description, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description RETURNING *`,
      [eventType.name, eventType.description, eventType.createdAt],
    );
    return rowToEventType(rows[0]);
  }

  async listEventTypes(page: PageRequest): Promise<Page<EventType>> {
    // The catalogue reads best alphabetically; the iterator is the last name.
    const { rows } = await this.pool.query(
      'SELECT * FROM event_types WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2',
      [page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToEventType), page.limit);
  }

  async createEndpoint(endpoint: Endpoint): Promise<Endpoint> {
    const { text, values } = insertStatement('endpoints', this.endpointRow(endpoint));
    // Its gate row (see migration 4) is born with it: every claim goes through the gate.
    await this.pool.query(
      `WITH created AS (${text} RETURNING id) INSERT INTO endpoint_gates (endpoint_id) SELECT id FROM created`,
      values,
    ).catch((err) => {
      throw conflict(err, `an endpoint with uid "${endpoint.uid}" already exists in this app`);
    });
    return endpoint;
  }

  async getEndpoint(appId: string, endpointId: string): Promise<Endpoint | null> {
    const { rows } = await this.pool.query('SELECT * FROM endpoints WHERE app_id = $1 AND id = $2', [appId, endpointId]);
    return rows[0] ? rowToEndpoint(rows[0], this.codec) : null;
  }

  async listEndpoints(appId: string, page: PageRequest): Promise<Page<Endpoint>> {
    const { rows } = await this.pool.query(
      'SELECT * FROM endpoints WHERE app_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3',
      [appId, page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map((r) => rowToEndpoint(r, this.codec)), page.limit);
  }

  async updateEndpoint(endpoint: Endpoint): Promise<Endpoint> {
    const { text, values } = updateStatement('endpoints', this.endpointRow(endpoint), ['id', 'app_id'], ['created_at', 'uid']);
    await this.pool.query(text, values).catch((err) => {
      throw conflict(err, `an endpoint with uid "${endpoint.uid}" already exists in this app`);
    });
    return endpoint;
  }

  async deleteEndpoint(appId: string, endpointId: string): Promise<boolean> {
    const res = await this.pool.query('DELETE FROM endpoints WHERE app_id = $1 AND id = $2', [appId, endpointId]);
    return (res.rowCount ?? 0) > 0;
  }

  async createToken(t: ApiToken): Promise<ApiToken> {
    await this.pool.query(
      `INSERT INTO api_tokens (id, app_id, name, kind, token_hash, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [t.id, t.appId, t.name, t.kind, t.tokenHash, t.expiresAt, t.createdAt],
    );
    return t;
  }

  async findTokenByHash(hash: string): Promise<ApiToken | null> {
    const { rows } = await this.pool.query('SELECT * FROM api_tokens WHERE token_hash = $1', [hash]);
    return rows[0] ? rowToToken(rows[0]) : null;
  }

  async listTokens(appId: string, page: PageRequest): Promise<Page<ApiToken>> {
    const { rows } = await this.pool.query(
      'SELECT * FROM api_tokens WHERE app_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3',
      [appId, page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToToken), page.limit);
  }

  async deleteToken(appId: string, tokenId: string): Promise<boolean> {
    const res = await this.pool.query('DELETE FROM api_tokens WHERE app_id = $1 AND id = $2', [appId, tokenId]);
    return (res.rowCount ?? 0) > 0;
  }
}

function conflict(err: unknown, message: string): unknown {
  return isUniqueViolation(err) ? new StoreConflictError(message) : err;
}
