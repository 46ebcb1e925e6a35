import type Database from 'better-sqlite3';
import type { ApiToken } from '../../domain/model.js';
import { toPage } from '../paginate.js';
import { statement } from './statement-cache.js';
import type { Page, PageRequest } from '../store.js';

import { rowToToken, type Row } from '../rows.js';

export class SqliteTokenQueries {
  constructor(private readonly db: Database.Database) {}

  create(t: ApiToken): ApiToken {
    statement(this.db, 
      `INSERT INTO api_tokens (id, app_id, name, kind, token_hash, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(t.id, t.appId, t.name, t.kind, t.tokenHash, t.expiresAt, t.createdAt);
    return t;
  }

  findByHash(hash: string): ApiToken | null {
    const row = statement(this.db, 'SELECT * FROM api_tokens WHERE token_hash = ?').get(hash);
    return row ? rowToToken(row as Row) : null;
  }

  list(appId: string, page: PageRequest): Page<ApiToken> {
    const rows = statement(this.db, 
      `SELECT * FROM api_tokens WHERE app_id = @appId AND (@iterator IS NULL OR id < @iterator)
       ORDER BY id DESC LIMIT @limit`,
    ).all({ appId, iterator: page.iterator ?? null, limit: page.limit + 1 });
    return toPage(rows.map((r) => rowToToken(r as Row)), page.limit);
  }

  delete(appId: string, tokenId: string): boolean {
    return statement(this.db, 'DELETE FROM api_tokens WHERE app_id = ? AND id = ?').run(appId, tokenId).changes > 0;
  }
}
