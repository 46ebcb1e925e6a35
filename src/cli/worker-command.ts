import { Command } from 'commander';
import type { ServerConfig } from '../config/options.js';
import { databaseLocation, resolveConfig } from '../config/resolve-config.js';
import { startHerald } from '../herald.js';
import { isPostgresUrl } from '../store/postgres/connection.js';
import { addServerOptions, typedServerFlags } from './server-option-flags.js';
import { stopOnSignals } from './stop-on-signals.js';

/** Options that only concern the HTTP API, which a worker does not run. */
const API_ONLY: Array<keyof ServerConfig> = [
  'port', 'adminToken', 'dispatcher', 'bodyLimit', 'publicUrl', 'tokenRateLimit', 'adminRateLimit', 'requireHttps', 'configFile', 'productName',
  'brandAccent', 'brandTheme', 'brandLogo',
];

/**
 * `herald worker`: delivers and nothing else. Run any number of them next to
 * `herald serve --no-dispatcher` on one PostgreSQL database; they share the work through the
 * database alone (row locks, leases, LISTEN/NOTIFY) and need no other coordination.
 */
export function workerCommand(): Command {
  const cmd = new Command('worker')
    .description('deliver webhooks without serving the API (scale out on a shared PostgreSQL database)')
    .addHelpText('after', [
      '',
      'Every process sharing one database needs the same HERALD_ENCRYPTION_KEY.',
      'Precedence: flag > environment > default.',
      '',
      'Examples:',
      '  herald serve --no-dispatcher --database postgres://herald@db/herald',
      '  herald worker --database postgres://herald@db/herald --health-port 9091',
    ].join('\n'));
  addServerOptions(cmd, { except: API_ONLY });
  cmd.action(async (opts: Record<string, unknown>) => {
    const resolved = resolveConfig(typedServerFlags(opts, { except: API_ONLY }));
    const healthPort = resolved.healthPort;
    // The API process applies a config file; workers sharing its environment must not race it.
    const config: ServerConfig = { ...resolved, configFile: null, port: healthPort ?? 0 };
    const location = databaseLocation(config);
    if (!isPostgresUrl(location)) {
      // A SQLite store assumes one delivering process: each releases every lease when it starts.
      process.stderr.write('herald worker: note: on SQLite run exactly one delivering process; use --database postgres://… to run several workers\n');
    } else if (!config.encryptionKey) {
      process.stderr.write('herald worker: warning: no HERALD_ENCRYPTION_KEY; every process sharing the database must use the same key to read endpoint secrets\n');
    }
    const herald = await startHerald(config, undefined, { api: false, listen: healthPort !== null });
    process.stdout.write(
      `\n  Herald worker is delivering from ${describeDatabase(location)}` +
        (healthPort !== null ? `\n    Health:  ${herald.url}/healthz` : '') + '\n\n',
    );
    stopOnSignals(herald);
  });
  return cmd;
}

/** Where the data is, without the password a URL may carry. */
export function describeDatabase(location: string): string {
  if (!isPostgresUrl(location)) return `SQLite ${location}`;
  const url = new URL(location);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}
