import type { AuditEntry, AuditQuery, OperatorToken } from '../../domain/operators.js';
import { idFloorAt } from '../../domain/id-time.js';
import { toPage } from '../paginate.js';
import type { Row } from '../rows.js';
import { insertInto, type SqlRunner } from '../sql-runner.js';
import { StoreConflictError } from '../errors.js';
import type { Page, PageRequest } from '../store.js';

// Named operator tokens and the audit log (migration 16), the same SQL on both stores. Tokens keep
// only their SHA-256. Audit entries are appended and never changed; retention deletes the old ones
// in id order (ids start with their time, so "older than" is a primary-key range).

const tokenToRow = (t: OperatorToken): Row => ({
  id: t.id, name: t.name, role: t.role, token_hash: t.tokenHash, expires_at: t.expiresAt, created_at: t.createdAt,
});
const rowToToken = (r: Row): OperatorToken => ({
  id: r.id, name: r.name, role: r.role, tokenHash: r.token_hash, expiresAt: r.expires_at, createdAt: r.created_at,
});

/** The audit_log row of an entry (also written by publishes that carry entries: sqlite/publish.ts, postgres/publish.ts). */
export const auditToRow = (e: AuditEntry): Row => ({
  id: e.id, at: e.at, token_kind: e.tokenKind, token_id: e.tokenId, token_name: e.tokenName, role: e.role,
  request_id: e.requestId, method: e.method, route: e.route, action: e.action, app_id: e.appId,
  targets: JSON.stringify(e.targets), status: e.status, outcome: e.outcome,
});
const rowToAudit = (r: Row): AuditEntry => ({
  id: r.id, at: r.at, tokenKind: r.token_kind, tokenId: r.token_id, tokenName: r.token_name, role: r.role,
  requestId: r.request_id, method: r.method, route: r.route, action: r.action, appId: r.app_id,
  targets: JSON.parse(r.targets) as Record<string, string>, status: Number(r.status), outcome: r.outcome,
});

export class OperatorRecords {
  constructor(private readonly sql: SqlRunner) {}

  async createOperatorToken(token: OperatorToken): Promise<OperatorToken> {
    const insert = insertInto('operator_tokens', tokenToRow(token));
    try {
      await this.sql.run(insert.sql, insert.params);
    } catch (err) {
      throw this.sql.isUniqueViolation(err) ? new StoreConflictError(`an operator token named "${token.name}" already exists`) : err;
    }
    return token;
  }

  async findOperatorTokenByHash(hash: string): Promise<OperatorToken | null> {
    const [row] = await this.sql.rows('SELECT * FROM operator_tokens WHERE token_hash = $1', [hash]);
    return row ? rowToToken(row) : null;
  }

  async listOperatorTokens(page: PageRequest): Promise<Page<OperatorToken>> {
    const rows = await this.sql.rows(
      'SELECT * FROM operator_tokens WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2',
      [page.iterator ?? null, page.limit + 1],
    );
    return toPage(rows.map(rowToToken), page.limit);
  }

  async deleteOperatorToken(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM operator_tokens WHERE id = $1', [id])) > 0;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.appendAuditMany([entry]);
  }

  /** One transaction for all: the audit log's group commit (services/audit-log.ts). */
  async appendAuditMany(entries: readonly AuditEntry[]): Promise<void> {
    await this.sql.runAll(entries.map((entry) => insertInto('audit_log', auditToRow(entry))));
  }

  async listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    const rows = await this.sql.rows(
      `SELECT * FROM audit_log
       WHERE ($1::text IS NULL OR id < $1) AND ($2::text IS NULL OR id >= $2)
         AND ($3::text IS NULL OR token_name = $3 OR token_id = $3)
         AND ($4::text IS NULL OR app_id = $4) AND ($5::text IS NULL OR action = $5)
       ORDER BY id DESC LIMIT $6`,
      [q.iterator ?? null, q.since === undefined ? null : idFloorAt('aud', q.since), q.token ?? null, q.appId ?? null, q.action ?? null, q.limit + 1],
    );
    return toPage(rows.map(rowToAudit), q.limit);
  }

  /** Deletes up to `limit` entries older than `beforeId` (the oldest first); answers how many. */
  async purgeAudit(beforeId: string, limit: number): Promise<number> {
    return this.sql.run(
      'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE id < $1 ORDER BY id LIMIT $2)',
      [beforeId, limit],
    );
  }
}
