import { PROCESS_LIVE_WINDOW_MS, type ResealResult } from '../store/key-records.js';
import type { Store } from '../store/store.js';
import { fingerprintMatches, keyFingerprint } from './key-fingerprint.js';
import { EncryptionKeyError } from './key-messages.js';
import { SecretBox } from './secret-box.js';
import { opensSealedValues } from './unlock-store.js';

export interface RotationRequest {
  currentKey: Buffer;
  newKey: Buffer;
  /** Epoch ms: processes with a heartbeat in the live window before this count as running. */
  now: number;
}

/**
 * Re-encrypts every sealed endpoint value (secrets, TLS settings, headers, query; plaintext rows
 * from older versions included) with the new key and records its fingerprint, in one transaction:
 * either everything is on the new key or nothing changed. Refuses while a Herald process is running
 * (store.resealAll), since it would go on sealing with the old key.
 */
export async function rotateEncryptionKey(store: Store, request: RotationRequest): Promise<ResealResult> {
  if (request.currentKey.equals(request.newKey)) {
    throw new EncryptionKeyError('HERALD_NEW_ENCRYPTION_KEY is the current HERALD_ENCRYPTION_KEY: give a different new key');
  }
  const current = new SecretBox(request.currentKey);
  const recorded = await store.keyFingerprint();
  const isCurrent = recorded !== null ? fingerprintMatches(request.currentKey, recorded) : await opensSealedValues(store, current);
  if (!isCurrent) {
    throw new EncryptionKeyError(
      'HERALD_ENCRYPTION_KEY does not match this database, so its secrets cannot be re-encrypted: give the key the ' +
        'database is written with in HERALD_ENCRYPTION_KEY (the one your Herald processes use) and the new key in ' +
        'HERALD_NEW_ENCRYPTION_KEY. See docs/encryption-key.md.',
    );
  }
  const next = new SecretBox(request.newKey);
  return store.resealAll({
    reseal: (stored) => next.seal(current.open(stored)),
    fingerprint: keyFingerprint(request.newKey),
    liveSince: request.now - PROCESS_LIVE_WINDOW_MS,
  });
}
