import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SchemeDefinition } from './scheme-presets.js';

const WHSEC_PREFIX = 'whsec_';

export function signingKey(encoding: SchemeDefinition['key'], secret: string): Buffer {
  const key =
    encoding === 'utf8'
      ? Buffer.from(secret, 'utf8')
      : Buffer.from(secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret, 'base64');
  // node accepts an empty HMAC key; a signature anyone can compute is worse than a loud failure.
  if (key.length === 0) throw new Error('signing secret is empty');
  return key;
}

/** `content` as text is hashed as its UTF-8 bytes. */
export function hmacSha256(key: Buffer, content: Buffer | string, encoding: SchemeDefinition['encoding']): string {
  return createHmac('sha256', key).update(content).digest(encoding);
}

/** The lengths are public (fixed by digest and encoding); only the contents must not leak through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
