import type { EncryptionKeySource } from './encryption-key.js';

// The refusals an operator reads when a process will not start: each names HERALD_ENCRYPTION_KEY
// and says what to do (docs/encryption-key.md has the longer story).

/** A process cannot use the key it was given (or found) with this database. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

const WHERE_TO_FIND =
  'the HERALD_ENCRYPTION_KEY your other Herald processes use, or the contents of the file encryption-key in the data folder ' +
  '(--data-dir) of the Herald that first used this database';
const HOW_TO_CHANGE =
  'To change the key, run `herald rotate-encryption-key` with the current key in HERALD_ENCRYPTION_KEY and the new one in ' +
  'HERALD_NEW_ENCRYPTION_KEY. See docs/encryption-key.md.';

function describe(source: EncryptionKeySource): string {
  return source.origin === 'config' ? 'the key given in HERALD_ENCRYPTION_KEY' : `the key read from ${source.path}`;
}

export function keyMismatch(source: EncryptionKeySource): EncryptionKeyError {
  return new EncryptionKeyError(
    `HERALD_ENCRYPTION_KEY does not match this database: ${describe(source)} is not the key its endpoint secrets ` +
      `were sealed with, so Herald refuses to start rather than fail every delivery. Give it the key the database was ` +
      `written with: ${WHERE_TO_FIND}. ${HOW_TO_CHANGE}`,
  );
}

export function keyMissing(keyFile: string): EncryptionKeyError {
  return new EncryptionKeyError(
    `HERALD_ENCRYPTION_KEY is not set and there is no key file at ${keyFile}, but this database already has an ` +
      `encryption key: Herald does not generate a new key for a database in use. Set HERALD_ENCRYPTION_KEY to the key ` +
      `the database was written with: ${WHERE_TO_FIND}. ${HOW_TO_CHANGE}`,
  );
}

export function keyRaced(source: EncryptionKeySource): EncryptionKeyError {
  return new EncryptionKeyError(
    `HERALD_ENCRYPTION_KEY: another Herald process started on this database at the same moment with a different key ` +
      `(${describe(source)} lost). Give every process sharing a database the same HERALD_ENCRYPTION_KEY. ${HOW_TO_CHANGE}`,
  );
}
