import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminTokenSource {
  token: string;
  /** Where it came from: 'config' (flag/env), 'file' (earlier start) or 'generated' (now). */
  origin: 'config' | 'file' | 'generated';
  path: string;
}

/** The admin token: given by flag/env, else the one stored in the data folder, else a new one stored there. */
export function resolveAdminToken(configured: string | null, dataDir: string): AdminTokenSource {
  const path = join(dataDir, 'admin-token');
  if (configured) return { token: configured, origin: 'config', path };
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), origin: 'file', path };
  mkdirSync(dataDir, { recursive: true });
  const token = `hrld_admin_${randomBytes(24).toString('base64url')}`;
  // 0600: the token gives full control over every app.
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return { token, origin: 'generated', path };
}
