import { rmSync } from 'node:fs';
import type { Store } from '../store/store.js';
import { findEncryptionKey, generateEncryptionKey, keyFilePath, type EncryptionKeySource } from './encryption-key.js';
import { fingerprintMatches, keyFingerprint } from './key-fingerprint.js';
import { keyMismatch, keyMissing, keyRaced } from './key-messages.js';
import { SecretBox } from './secret-box.js';

export interface UnlockOptions {
  /** HERALD_ENCRYPTION_KEY, or null. */
  configured: string | null;
  dataDir: string;
}

export interface UnlockedKey extends EncryptionKeySource {
  box: SecretBox;
}

/** How many sealed values a database from before fingerprints is tried against (one that opens is proof). */
const SAMPLES = 5;

/**
 * The key this process seals and opens secrets with, checked against the database: the key's
 * fingerprint recorded there must match, or the process refuses to start (EncryptionKeyError).
 * A key is generated only for a database without a fingerprint; a database from before
 * fingerprints must open one of its sealed values with the key, then its fingerprint is recorded.
 */
export async function unlockStore(store: Store, options: UnlockOptions): Promise<UnlockedKey> {
  return (await checkKey(store, options, true))!;
}

/**
 * As unlockStore, but never generates a key: null when there is no key and the database has no
 * fingerprint yet (`herald migrate` before the first start).
 */
export function checkStoreKey(store: Store, options: UnlockOptions): Promise<UnlockedKey | null> {
  return checkKey(store, options, false);
}

async function checkKey(store: Store, options: UnlockOptions, generate: boolean): Promise<UnlockedKey | null> {
  const recorded = await store.keyFingerprint();
  let source = findEncryptionKey(options.configured, options.dataDir);
  if (!source) {
    if (recorded !== null) throw keyMissing(keyFilePath(options.dataDir));
    if (!generate) return null;
    source = generateEncryptionKey(options.dataDir);
  }
  const unlocked = { ...source, box: new SecretBox(source.key) };
  if (recorded !== null) {
    if (!fingerprintMatches(source.key, recorded)) throw keyMismatch(source);
    return unlocked;
  }
  try {
    if (!(await opensSealedValues(store, unlocked.box))) throw keyMismatch(source);
    const fingerprint = keyFingerprint(source.key);
    // Two processes starting together with different keys: the first to record wins, the other refuses.
    if ((await store.recordKeyFingerprint(fingerprint)) !== fingerprint) throw keyRaced(source);
  } catch (err) {
    // Nothing was sealed with a key generated just now: do not leave it to be found next time.
    if (source.origin === 'generated') rmSync(source.path, { force: true });
    throw err;
  }
  return unlocked;
}

/** True when the database holds no sealed value yet, or the box opens at least one of those it has. */
export async function opensSealedValues(store: Store, box: SecretBox): Promise<boolean> {
  const samples = await store.sampleSealedValues(SAMPLES);
  if (samples.length === 0) return true;
  return samples.some((sealed) => {
    try {
      box.open(sealed);
      return true;
    } catch {
      return false;
    }
  });
}
