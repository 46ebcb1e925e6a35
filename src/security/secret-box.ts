import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCodec } from '../store/secret-codec.js';

const VERSION = 'enc:v1:';

/** Opened values remembered per box (see open); a few per endpoint, so thousands of endpoints fit. */
const OPENED_CACHE_SIZE = 4096;

/**
 * AES-256-GCM with a fresh 96-bit IV per value: `enc:v1:<iv>.<tag>.<ciphertext>` (base64url).
 * GCM authenticates, so a tampered or wrongly-keyed value fails loudly instead of decrypting to garbage.
 * Values without the prefix are read as plaintext, so a database written before encryption was
 * switched on keeps working and is sealed on its next write.
 */
export class SecretBox implements SecretCodec {
  private readonly opened = new Map<string, string>();

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes (AES-256)');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}${iv.toString('base64url')}.${tag.toString('base64url')}.${ct.toString('base64url')}`;
  }

  /**
   * Every claim reads its endpoints again, and a decipher costs ~10 µs: opened values are remembered
   * by their sealed text. That is exact: GCM authenticates, so under this box's key one sealed text
   * only ever opens to one plaintext, and a changed value is a new sealed text (fresh IV).
   */
  open(sealed: string): string {
    if (!sealed.startsWith(VERSION)) return sealed;
    const known = this.opened.get(sealed);
    if (known !== undefined) return known;
    const plaintext = this.decrypt(sealed);
    // First in, first out: the oldest entry is the first in the Map's insertion order.
    if (this.opened.size >= OPENED_CACHE_SIZE) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(sealed, plaintext);
    return plaintext;
  }

  private decrypt(sealed: string): string {
    const [iv, tag, ct] = sealed.slice(VERSION.length).split('.');
    if (!iv || !tag || ct === undefined) throw new Error('malformed encrypted value');
    // The full 16-byte tag only: a truncated tag would be far easier to forge.
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    try {
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt a stored secret: HERALD_ENCRYPTION_KEY differs from the key it was written with');
    }
  }
}
