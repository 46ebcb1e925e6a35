import { randomBytes } from 'node:crypto';
import { newId } from '../domain/ids.js';
import type { ApiToken } from '../domain/model.js';
import { hashToken } from '../security/token-hash.js';
import type { Store } from '../store/store.js';

/** A portal link is for one session of a customer's admin: short-lived by default, at most a day. */
export const PORTAL_TTL_DEFAULT_S = 3600;
export const PORTAL_TTL_MAX_S = 86_400;

/** What a portal link may do and see; both null for app tokens (no limit). */
export interface TokenScope {
  capabilities: string[] | null;
  eventTypes: string[] | null;
  /** Portal links: origins that may frame it; null or absent: the app's defaults. */
  allowedOrigins?: string[] | null;
}

export interface IssuedToken {
  token: string;
  record: ApiToken;
}

export class TokenService {
  constructor(private readonly store: Store) {}

  /** The token text is returned once and never stored; only its SHA-256 is. */
  async issue(
    appId: string,
    kind: ApiToken['kind'],
    name: string | null,
    ttlSeconds: number | null,
    scope: TokenScope = { capabilities: null, eventTypes: null },
  ): Promise<IssuedToken> {
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
      capabilities: scope.capabilities,
      eventTypes: scope.eventTypes,
      allowedOrigins: scope.allowedOrigins ?? null,
    };
    await this.store.createToken(record);
    return { token, record };
  }

  /** Every portal link of the app stops working at once (their next call answers 401). */
  revokePortalLinks(appId: string): Promise<number> {
    return this.store.deletePortalTokens(appId);
  }
}
