import type { SecretCodec } from '../store/secret-codec.js';

/**
 * The codec a store is opened with before its key is known: the key is checked against the
 * database (unlock-store.ts) after the store is open, then handed in with `use`. Nothing is sealed
 * or opened before that; a read attempted earlier marks the endpoint unreadable rather than guess.
 */
export class DeferredCodec implements SecretCodec {
  private codec: SecretCodec | null = null;

  use(codec: SecretCodec): void {
    this.codec = codec;
  }

  seal(plaintext: string): string {
    return this.current().seal(plaintext);
  }

  open(sealed: string): string {
    return this.current().open(sealed);
  }

  private current(): SecretCodec {
    if (!this.codec) throw new Error('the encryption key has not been checked against the database yet');
    return this.codec;
  }
}
