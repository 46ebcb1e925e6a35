import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EncryptionKeySource {
  key: Buffer;
  origin: 'config' | 'file' | 'generated';
  path: string;
}

/** Where a generated key is kept: `<data-dir>/encryption-key`. */
export const keyFilePath = (dataDir: string) => join(dataDir, 'encryption-key');

/**
 * HERALD_ENCRYPTION_KEY (32 bytes as base64 or hex) wins; otherwise the key kept in the data folder;
 * null when there is neither. Whether a key may be generated is the database's to say (a database
 * with a key fingerprint already has one): see unlock-store.ts.
 */
export function findEncryptionKey(configured: string | null, dataDir: string): EncryptionKeySource | null {
  const path = keyFilePath(dataDir);
  if (configured) return { key: decodeKey(configured, 'HERALD_ENCRYPTION_KEY'), origin: 'config', path };
  if (existsSync(path)) return { key: decodeKey(readFileSync(path, 'utf8').trim(), path), origin: 'file', path };
  return null;
}

/** A new key, saved to the data folder (owner-only) before anything is sealed with it. */
export function generateEncryptionKey(dataDir: string): EncryptionKeySource {
  const path = keyFilePath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, origin: 'generated', path };
}

export function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new Error(`${source}: the encryption key must be 32 bytes, as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}
