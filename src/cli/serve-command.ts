import { Command } from 'commander';
import type { ServerConfig } from '../config/options.js';
import { exposureWarnings } from '../config/exposure-warnings.js';
import { resolveConfig } from '../config/resolve-config.js';
import { startHerald, type RunningHerald } from '../herald.js';
import { addServerOptions, typedServerFlags } from './server-option-flags.js';
import { stopOnSignals } from './stop-on-signals.js';

/** Options only `herald worker` takes: the API process answers /healthz on its own port. */
const WORKER_ONLY: Array<keyof ServerConfig> = ['healthPort'];

/** `herald serve`: every option from the one options table, each also readable from HERALD_*. */
export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('run the API and the delivery dispatcher')
    .addHelpText('after', '\nEvery option can also be set with its environment variable.\nPrecedence: flag > environment > default.\n\nExamples:\n  herald serve\n  herald serve --port 9090 --data-dir /var/lib/herald\n  HERALD_ALLOW_PRIVATE_NETWORKS=1 herald serve');
  addServerOptions(cmd, { except: WORKER_ONLY });
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = resolveConfig(typedServerFlags(opts, { except: WORKER_ONLY }));
    const herald = await startHerald(config);
    // Logged for log collectors, and repeated in the banner for the person at the terminal.
    const warnings = exposureWarnings(config, herald.adminToken.token);
    for (const warning of warnings) herald.logger.warn(warning);
    // Handlers first: a supervisor (or test) that stops Herald as soon as the banner appears must
    // get a graceful shutdown, not the default action of a signal that arrives in between.
    stopOnSignals(herald);
    printBanner(herald, warnings, config);
  });
  return cmd;
}

/** How the banner's example command gets the token without printing a stored one again. */
function tokenInShell({ token, origin, path }: RunningHerald['adminToken']): string {
  if (origin === 'config') return '$HERALD_ADMIN_TOKEN';
  return origin === 'generated' ? token : `$(cat '${path.replace(/'/g, "'\\''")}')`;
}

function printBanner(herald: RunningHerald, warnings: string[], { dispatcher, publicUrl }: ServerConfig): void {
  // Behind a proxy the listening address is not where a browser reaches the dashboard.
  const dashboard = `${publicUrl?.replace(/\/+$/, '') ?? herald.url}/`;
  const { token, origin, path } = herald.adminToken;
  const tokenLine =
    origin === 'generated'
      ? `Admin token (generated, saved to ${path}):\n    ${token}`
      : origin === 'file'
        ? // Shown once, when generated: terminals and log collectors keep what a start prints.
          `Admin token: saved in ${path} (printed on the first start only)`
        : 'Admin token: the one you configured (HERALD_ADMIN_TOKEN / --admin-token)';
  process.stdout.write(
    [
      '',
      `  Herald is running at ${herald.url}`,
      `    Dashboard: ${dashboard}   (sign in with the admin token)`,
      `    API:       ${herald.url}/api/v1   (Authorization: Bearer <admin token>)`,
      `    Health:    ${herald.url}/healthz`,
      `  ${tokenLine}`,
      ...(dispatcher ? [] : [
        '',
        '  This process delivers nothing (--no-dispatcher): messages it accepts wait for a `herald worker`',
        '  (or a `herald serve` without --no-dispatcher) on the same database.',
      ]),
      '',
      `  Try:  curl -H "Authorization: Bearer ${tokenInShell(herald.adminToken)}" ${herald.url}/api/v1/apps`,
      '',
      ...warnings.map((w) => `  Warning: ${w}\n`),
    ].join('\n') + '\n',
  );
}
