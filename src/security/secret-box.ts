import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCodec } from '../store/secret-codec.js';

const VERSION = 'enc:v1:';

/**
 * AES-256-GCM with a fresh 96-bit IV per value: `enc:v1:<iv>.<tag>.<ciphertext>` (base64url).
 * GCM authenticates, so a tampered or wrongly-keyed value fails loudly instead of decrypting to garbage.
 * Values without the prefix are read as plaintext, so a database written before encryption was
 * switched on keeps working and is sealed on its next write.
 */
export class SecretBox implements SecretCodec {
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

  open(sealed: string): string {
    if (!sealed.startsWith(VERSION)) return sealed;
    const [iv, tag, ct] = sealed.slice(VERSION.length).split('.');
    if (!iv || !tag || ct === undefined) throw new Error('malformed encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt a stored secret: HERALD_ENCRYPTION_KEY differs from the key it was written with');
    }
  }
}
