import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ServerConfig } from '../config/options.js';
import { databaseLocation, resolveConfig } from '../config/resolve-config.js';
import { decodeKey, findEncryptionKey, keyFilePath } from '../security/encryption-key.js';
import { rotateEncryptionKey } from '../security/rotate-key.js';
import { openStore } from '../store/open-store.js';
import { addServerOptions, typedServerFlags } from './server-option-flags.js';
import { describeDatabase } from './worker-command.js';

const KEYS: Array<keyof ServerConfig> = ['dataDir', 'database'];

/**
 * `herald rotate-encryption-key`: re-encrypts every sealed value with a new key and records the
 * new key's fingerprint, in one transaction. Every Herald process must be stopped first (it would
 * keep sealing with the old key): the command refuses while any process's heartbeat is live.
 */
export function rotateKeyCommand(): Command {
  const cmd = new Command('rotate-encryption-key')
    .description('re-encrypt every stored secret with a new HERALD_ENCRYPTION_KEY (stop every Herald process first)')
    .addHelpText('after', [
      '',
      'The current key: HERALD_ENCRYPTION_KEY, or the key file in the data folder.',
      'The new key: HERALD_NEW_ENCRYPTION_KEY (32 bytes, base64 or hex: `openssl rand -base64 32`).',
      'Without it, when the current key is the data folder\'s key file, a new key is generated into that file.',
      'Then start every Herald process with the new key. See docs/encryption-key.md.',
      '',
      'Examples:',
      '  herald rotate-encryption-key --data-dir /var/lib/herald',
      '  HERALD_ENCRYPTION_KEY=<old> HERALD_NEW_ENCRYPTION_KEY=<new> herald rotate-encryption-key --database postgres://herald@db/herald',
    ].join('\n'));
  addServerOptions(cmd, { only: KEYS });
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = resolveConfig(typedServerFlags(opts, { only: KEYS }));
    const current = findEncryptionKey(config.encryptionKey, config.dataDir);
    if (!current) {
      throw new Error(`HERALD_ENCRYPTION_KEY is not set and there is no key file at ${keyFilePath(config.dataDir)}: give the current key in HERALD_ENCRYPTION_KEY`);
    }
    const given = process.env.HERALD_NEW_ENCRYPTION_KEY;
    if (!given && current.origin !== 'file') {
      throw new Error('HERALD_NEW_ENCRYPTION_KEY is not set: give the new key there (e.g. `openssl rand -base64 32`)');
    }
    const newKey = given ? decodeKey(given, 'HERALD_NEW_ENCRYPTION_KEY') : randomBytes(32);
    // A key kept in the data folder is replaced there. The new key is written beside it first, so
    // that it exists on disk before any secret is sealed with it.
    const staged = current.origin === 'file' ? `${current.path}.new` : null;
    if (staged) writeFileSync(staged, newKey.toString('base64') + '\n', { mode: 0o600 });
    const location = databaseLocation(config);
    const store = await openStore(location);
    let result;
    try {
      result = await rotateEncryptionKey(store, { currentKey: current.key, newKey, now: Date.now() });
    } catch (err) {
      if (staged) rmSync(staged, { force: true });
      throw err;
    } finally {
      await store.close();
    }
    if (staged) renameSync(staged, current.path);
    process.stdout.write(
      `Re-encrypted ${result.values} values of ${result.endpoints} endpoints in ${describeDatabase(location)}.\n` +
        (staged
          ? `The new key replaced the old one in ${current.path}.\n`
          : 'Start every Herald process with the new key in HERALD_ENCRYPTION_KEY; the old key is refused from now on.\n'),
    );
    if (result.unreadable.length > 0) {
      process.stderr.write(
        `warning: ${result.unreadable.length} endpoint(s) had values that could not be decrypted with the old key either ` +
          `and were left as they were (delete and recreate them): ${result.unreadable.join(', ')}\n`,
      );
    }
  });
  return cmd;
}
