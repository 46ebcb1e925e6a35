/**
 * How a store seals secret columns (endpoint secrets, TLS keys) before they reach disk.
 * Every backend takes one; the composition root hands in the AES-256-GCM box.
 */
export interface SecretCodec {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export const plainCodec: SecretCodec = { seal: (s) => s, open: (s) => s };
