import { randomBytes } from 'node:crypto';
import { newId } from '../domain/ids.js';
import type { ApiToken } from '../domain/model.js';
import { hashToken } from '../security/token-hash.js';
import type { Store } from '../store/store.js';

/** A portal link is for one session of a customer's admin: short-lived by default, at most a day. */
export const PORTAL_TTL_DEFAULT_S = 3600;
export const PORTAL_TTL_MAX_S = 86_400;

export interface IssuedToken {
  token: string;
  record: ApiToken;
}

export class TokenService {
  constructor(private readonly store: Store) {}

  /** The token text is returned once and never stored; only its SHA-256 is. */
  async issue(appId: string, kind: ApiToken['kind'], name: string | null, ttlSeconds: number | null): Promise<IssuedToken> {
    const token = `hrld_${kind === 'portal' ? 'portal' : 'app'}_${randomBytes(24).toString('base64url')}`;
    const now = Date.now();
    const record: ApiToken = {
      id: newId('tok'),
      appId,
      name,
      kind,
      tokenHash: hashToken(token),
      expiresAt: ttlSeconds === null ? null : new Date(now + ttlSeconds * 1000).toISOString(),
      createdAt: new Date(now).toISOString(),
    };
    await this.store.createToken(record);
    return { token, record };
  }
}
