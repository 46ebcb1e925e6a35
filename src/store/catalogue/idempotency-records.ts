import type { HeldIdempotencyKey, IdempotencyClaim, IdempotencyClaimResult, IdempotentAnswer } from '../idempotency.js';
import type { SqlRunner } from '../sql-runner.js';

// Svix's idempotency keys (migration 21), the same SQL on both stores. The claim is one INSERT that
// only one request can win: the primary key (scope, key) refuses the others, unless the row there has
// expired or was abandoned unanswered, which the upsert's WHERE lets the newcomer take over.

export class IdempotencyRecords {
  constructor(private readonly sql: SqlRunner) {}

  async claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyClaimResult> {
    // A key released between our INSERT and SELECT (its request failed) is simply claimed again.
    for (let tries = 0; tries < 3; tries++) {
      const won = await this.sql.rows(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, body, content_type, created_at)
         VALUES ($1, $2, $3, NULL, NULL, NULL, $4)
         ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = NULL, body = NULL,
           content_type = NULL, created_at = excluded.created_at
         WHERE idempotency_keys.created_at < $5 OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < $6)
         RETURNING created_at`,
        [claim.scope, claim.key, claim.requestHash, claim.now, claim.expiredBefore, claim.abandonedBefore],
      );
      if (won.length > 0) return { kind: 'claimed', held: { scope: claim.scope, key: claim.key, claimedAt: won[0]!.created_at } };
      const [row] = await this.sql.rows(
        'SELECT request_hash, status, body, content_type FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [claim.scope, claim.key],
      );
      if (!row) continue;
      if (row.status === null) return { kind: 'in-progress', requestHash: row.request_hash };
      return { kind: 'answered', requestHash: row.request_hash, answer: { status: Number(row.status), body: row.body ?? '', contentType: row.content_type } };
    }
    return { kind: 'in-progress', requestHash: claim.requestHash };
  }

  /** Keeps the answer; false when the claim is no longer this request's (taken over as abandoned). */
  async finishIdempotencyKey(held: HeldIdempotencyKey, answer: IdempotentAnswer): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE idempotency_keys SET status = $4, body = $5, content_type = $6
       WHERE scope = $1 AND key = $2 AND created_at = $3 AND status IS NULL`,
      [held.scope, held.key, held.claimedAt, answer.status, answer.body, answer.contentType],
    );
    return changed > 0;
  }

  /** Gives the key up unanswered (the request failed): a retry runs it again. */
  async releaseIdempotencyKey(held: HeldIdempotencyKey): Promise<void> {
    await this.sql.run(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3 AND status IS NULL',
      [held.scope, held.key, held.claimedAt],
    );
  }

  /** Deletes up to `limit` keys claimed before `before` (ISO), oldest first; answers how many. */
  async purgeIdempotencyKeys(before: string, limit: number): Promise<number> {
    return this.sql.run(
      `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2)`,
      [before, limit],
    );
  }
}
