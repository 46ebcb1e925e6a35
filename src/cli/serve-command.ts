import { Command, Option } from 'commander';
import { OPTION_SPECS, type ServerConfig } from '../config/options.js';
import { exposureWarnings } from '../config/exposure-warnings.js';
import { resolveConfig } from '../config/resolve-config.js';
import { startHerald, type RunningHerald } from '../herald.js';
import { stopOnSignals } from './stop-on-signals.js';

/** `herald serve`: every option from the one options table, each also readable from HERALD_*. */
export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('run the API and the delivery dispatcher')
    .addHelpText('after', '\nEvery option can also be set with its environment variable.\nPrecedence: flag > environment > default.\n\nExamples:\n  herald serve\n  herald serve --port 9090 --data-dir /var/lib/herald\n  HERALD_ALLOW_PRIVATE_NETWORKS=1 herald serve');
  // commander names a value after its flag (`--config` → `config`), which need not be the option's key.
  const attributeOf = new Map<string, string>();
  for (const spec of OPTION_SPECS) {
    const option = new Option(spec.flag, `${spec.description} [${spec.env}]`);
    attributeOf.set(spec.key, option.attributeName());
    if (!spec.boolean) option.argParser((raw: string) => spec.parse(raw));
    if (spec.hidden) option.hideHelp();
    cmd.addOption(option);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    const flags: Partial<ServerConfig> = {};
    for (const spec of OPTION_SPECS) {
      const value = opts[attributeOf.get(spec.key)!];
      // commander gives `dispatcher: true` by default for --no-dispatcher; only an explicit false is a flag.
      if (spec.key === 'dispatcher') {
        if (value === false) flags.dispatcher = false;
      } else if (value !== undefined) {
        (flags as Record<string, unknown>)[spec.key] = value;
      }
    }
    const config = resolveConfig(flags);
    const herald = await startHerald(config);
    // Logged for log collectors, and repeated in the banner for the person at the terminal.
    const warnings = exposureWarnings(config, herald.adminToken.token);
    for (const warning of warnings) herald.logger.warn(warning);
    // Handlers first: a supervisor (or test) that stops Herald as soon as the banner appears must
    // get a graceful shutdown, not the default action of a signal that arrives in between.
    stopOnSignals(herald);
    printBanner(herald, warnings);
  });
  return cmd;
}

/** How the banner's example command gets the token without printing a stored one again. */
function tokenInShell({ token, origin, path }: RunningHerald['adminToken']): string {
  if (origin === 'config') return '$HERALD_ADMIN_TOKEN';
  return origin === 'generated' ? token : `$(cat '${path.replace(/'/g, "'\\''")}')`;
}

function printBanner(herald: RunningHerald, warnings: string[]): void {
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
      `    API:     ${herald.url}/api/v1   (Authorization: Bearer <admin token>)`,
      `    Health:  ${herald.url}/healthz`,
      `  ${tokenLine}`,
      '',
      `  Try:  curl -H "Authorization: Bearer ${tokenInShell(herald.adminToken)}" ${herald.url}/api/v1/apps`,
      '',
      ...warnings.map((w) => `  Warning: ${w}\n`),
    ].join('\n') + '\n',
  );
}
