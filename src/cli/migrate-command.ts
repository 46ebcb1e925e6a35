import { Command } from 'commander';
import type { ServerConfig } from '../config/options.js';
import { databaseLocation, resolveConfig } from '../config/resolve-config.js';
import { checkStoreKey } from '../security/unlock-store.js';
import type { MigrationReport } from '../store/migration-report.js';
import { openStore } from '../store/open-store.js';
import { addServerOptions, typedServerFlags } from './server-option-flags.js';
import { describeDatabase } from './worker-command.js';

const KEYS: Array<keyof ServerConfig> = ['dataDir', 'database'];

/**
 * `herald migrate`: brings the database schema up to date and exits. `serve` and `worker` migrate
 * at start-up too (under a lock, so processes starting together migrate once); this command is
 * for deployments that migrate as a separate step before rolling out new processes.
 */
export function migrateCommand(): Command {
  const cmd = new Command('migrate')
    .description('create or update the database schema, then exit')
    .addHelpText('after', '\nExamples:\n  herald migrate --database postgres://herald@db/herald\n  herald migrate --data-dir /var/lib/herald');
  addServerOptions(cmd, { only: KEYS });
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = resolveConfig(typedServerFlags(opts, { only: KEYS }));
    const location = databaseLocation(config);
    const reports: MigrationReport[] = [];
    const store = await openStore(location, { onMigrated: (r) => reports.push(r) });
    try {
      // A key that is given (HERALD_ENCRYPTION_KEY or the data folder's file) must be the database's,
      // as for serve and worker; with none, only the schema is touched and no key is generated.
      await checkStoreKey(store, { configured: config.encryptionKey, dataDir: config.dataDir });
    } finally {
      await store.close();
    }
    process.stdout.write(describeMigration(reports[0]!) + `Herald database is up to date: ${describeDatabase(location)}\n`);
  });
  return cmd;
}

/** What was applied, one line each, so a deployment log shows which schema changes a release made. */
export function describeMigration({ applied, version }: MigrationReport): string {
  if (applied.length === 0) return `No migration to apply: the schema is at version ${version}.\n`;
  const plural = applied.length === 1 ? 'migration' : 'migrations';
  return `Applied ${applied.length} ${plural}:\n` + applied.map((m) => `  ${m.version} ${m.name}\n`).join('') + `The schema is now at version ${version}.\n`;
}
