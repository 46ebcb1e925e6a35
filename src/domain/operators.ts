// Named operator tokens and the audit log (docs/operators.md): types and rules with no I/O.

/** What a named operator token may do, least first. `admin` is what the bootstrap admin token is. */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Higher may do everything lower may. */
export const ROLE_RANKS: Record<OperatorRole, number> = { viewer: 0, operator: 1, admin: 2 };

export const isOperatorRole = (value: string): value is OperatorRole => (OPERATOR_ROLES as readonly string[]).includes(value);

/** A named token with a role over every app. Only the SHA-256 of its text is kept. */
export interface OperatorToken {
  id: string;
  name: string;
  role: OperatorRole;
  tokenHash: string;
  expiresAt: string | null;
  createdAt: string;
}

/** Who made a change: the bootstrap admin token, a named operator token, an app token or a portal link. */
export type AuditTokenKind = 'admin' | 'operator' | 'app' | 'portal';

/**
 * One state-changing API call. Ids and names only: never a body, a payload, a secret or a token's
 * text. `targets` are the ids the route names (path parameters, and the id of what it created).
 */
export interface AuditEntry {
  id: string;
  at: string;
  tokenKind: AuditTokenKind;
  /** null: the bootstrap admin token (it has no id). */
  tokenId: string | null;
  tokenName: string | null;
  /** Operator tokens and the bootstrap admin token; null for app tokens and portal links. */
  role: OperatorRole | null;
  requestId: string;
  method: string;
  /** The route as registered, e.g. `/api/v1/apps/:appId/endpoints/:endpointId`. */
  route: string;
  /** A stable name of what was done, e.g. `endpoints.update` (api/audit-action.ts). */
  action: string;
  appId: string | null;
  targets: Record<string, string>;
  status: number;
  /** 'ok' for a 2xx or 3xx, else the error's `code` (e.g. `forbidden`). */
  outcome: string;
}

export interface AuditQuery {
  limit: number;
  /** The last id of the page before (newest first). */
  iterator?: string;
  /** Only entries at or after this time (epoch ms). */
  since?: number;
  /** A token's name or id. */
  token?: string;
  appId?: string;
  action?: string;
}
