import { createHash } from 'node:crypto';

/**
 * How API tokens are kept: as their SHA-256 (hex), never as themselves. The token service hashes
 * what it issues, the API's auth hook what it is shown; a lookup by this hash leaks nothing an
 * attacker could steer byte by byte. Here, below api/ and services/, so both can use it.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** How a named operator token starts, so the auth hook looks it up among operator tokens only. */
export const OPERATOR_TOKEN_PREFIX = 'hrld_op_';
