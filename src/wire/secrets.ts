import { randomBytes } from 'node:crypto';
import { SCHEME_PRESETS } from './scheme-presets.js';
import type { SignatureSchemeName } from './types.js';

const WHSEC_PREFIX = 'whsec_';
// Standard Webhooks: at least 24 bytes of key material; the 64-byte cap is HMAC-SHA256's block size,
// beyond which the key is hashed first and extra length adds nothing.
const WHSEC_MIN_BYTES = 24;
const WHSEC_MAX_BYTES = 64;
// Receivers of these formats usually have an administrator type the secret in; 8 keeps out
// trivial ones, 256 bounds storage and headers.
const TEXT_MIN_CHARS = 8;
const TEXT_MAX_CHARS = 256;
const GENERATED_BYTES = 32;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Null when the secret suits the scheme, else a message saying why not. */
export function validateSecret(scheme: SignatureSchemeName, secret: string): string | null {
  if (scheme === 'none') return null;
  // Standard Webhooks and its svix-named variant: a whsec_ key, base64 after the prefix.
  if (SCHEME_PRESETS[scheme]?.key === 'whsec-base64') {
    if (!secret.startsWith(WHSEC_PREFIX)) return `a "${scheme}" secret must start with "${WHSEC_PREFIX}"`;
    const encoded = secret.slice(WHSEC_PREFIX.length);
    // Strict, because Buffer.from(…, 'base64') skips invalid characters and would accept typos.
    if (!STRICT_BASE64.test(encoded)) return `a "${scheme}" secret must be valid base64 after "${WHSEC_PREFIX}"`;
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes < WHSEC_MIN_BYTES || bytes > WHSEC_MAX_BYTES) {
      return `a "${scheme}" secret must encode ${WHSEC_MIN_BYTES} to ${WHSEC_MAX_BYTES} bytes, got ${bytes}`;
    }
    return null;
  }
  const chars = [...secret].length;
  if (chars < TEXT_MIN_CHARS || chars > TEXT_MAX_CHARS) {
    return `a "${scheme}" secret must be ${TEXT_MIN_CHARS} to ${TEXT_MAX_CHARS} characters, got ${chars}`;
  }
  return null;
}

/**
 * A fresh secret. `none` gets a whsec_ secret too, so an endpoint switched to standard-webhooks
 * later already holds a valid one; the other schemes get base64url (43 characters), which survives
 * being pasted into config files, URLs and shell commands unescaped.
 */
export function generateSecret(scheme: SignatureSchemeName): string {
  const bytes = randomBytes(GENERATED_BYTES);
  if (SCHEME_PRESETS[scheme]?.key === 'whsec-base64' || scheme === 'none') return WHSEC_PREFIX + bytes.toString('base64');
  return bytes.toString('base64url');
}
