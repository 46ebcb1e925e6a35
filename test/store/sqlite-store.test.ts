import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { defineStoreContract } from './store-contract.js';

defineStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-store-'));
  const path = join(dir, 'herald.db');
  const store = await openStore(path);
  const others: Array<{ close(): Promise<void> }> = [];
  return {
    store,
    async openAnother(options) {
      const other = await openStore(path, options);
      others.push(other);
      return other;
    },
    async dispose(failed) {
      for (const s of [store, ...others]) await s.close().catch(() => undefined);
      if (failed) console.warn(`[kept] SQLite database of a failed test: ${path}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
});
