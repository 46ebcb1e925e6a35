import { randomBytes } from 'node:crypto';
import { newId } from '../domain/ids.js';
import type { OperatorRole, OperatorToken } from '../domain/operators.js';
import { hashToken, OPERATOR_TOKEN_PREFIX } from '../security/token-hash.js';
import type { PageRequest, Store } from '../store/store.js';

export interface IssuedOperatorToken {
  /** The token's text: shown once, at creation, never stored. */
  token: string;
  record: OperatorToken;
}

/** Named operator tokens (docs/operators.md): issued with a role, listed, revoked. */
export class OperatorTokenService {
  constructor(private readonly store: Store) {}

  /** Throws StoreConflictError (409) when a token of that name exists. */
  async issue(name: string, role: OperatorRole, ttlSeconds: number | null): Promise<IssuedOperatorToken> {
    const token = `${OPERATOR_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    const now = Date.now();
    const record: OperatorToken = {
      id: newId('opt'),
      name,
      role,
      tokenHash: hashToken(token),
      expiresAt: ttlSeconds === null ? null : new Date(now + ttlSeconds * 1000).toISOString(),
      createdAt: new Date(now).toISOString(),
    };
    await this.store.createOperatorToken(record);
    return { token, record };
  }

  list(page: PageRequest) {
    return this.store.listOperatorTokens(page);
  }

  /** The token answers 401 from its next call on. */
  revoke(id: string): Promise<boolean> {
    return this.store.deleteOperatorToken(id);
  }
}
