import { createHmac, timingSafeEqual } from 'node:crypto';

/** A fixed label: the fingerprint identifies the key and tells nothing else about it. */
const LABEL = 'herald encryption key fingerprint v1';

/**
 * HMAC-SHA256 of a fixed label under the key, as hex: recorded in the database so a process given
 * another key can refuse to start. Without the key it cannot be computed, and it reveals nothing
 * of the key (unlike, say, a plain hash of a low-entropy value).
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update(LABEL).digest('hex');
}

export function fingerprintMatches(key: Buffer, recorded: string): boolean {
  const mine = Buffer.from(keyFingerprint(key), 'hex');
  const theirs = Buffer.from(recorded, 'hex');
  return mine.length === theirs.length && timingSafeEqual(mine, theirs);
}
