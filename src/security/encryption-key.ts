import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EncryptionKeySource {
  key: Buffer;
  origin: 'config' | 'file' | 'generated';
  path: string;
}

/**
 * HERALD_ENCRYPTION_KEY (32 bytes as base64 or hex) wins; otherwise the key kept in the data folder,
 * generated on first start. Several processes sharing one PostgreSQL database must share the key,
 * so they should all be given HERALD_ENCRYPTION_KEY.
 */
export function resolveEncryptionKey(configured: string | null, dataDir: string): EncryptionKeySource {
  const path = join(dataDir, 'encryption-key');
  if (configured) return { key: decodeKey(configured, 'HERALD_ENCRYPTION_KEY'), origin: 'config', path };
  if (existsSync(path)) return { key: decodeKey(readFileSync(path, 'utf8').trim(), path), origin: 'file', path };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  return { key, origin: 'generated', path };
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new Error(`${source}: the encryption key must be 32 bytes, as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}
