import { Option, type Command } from 'commander';
import { OPTION_SPECS, parseOption, type ServerConfig } from '../config/options.js';

type Key = keyof ServerConfig;

/**
 * Registers options from the one options table on a command (`only` or all but `except`), each
 * with its HERALD_* variable named in the help, as `herald serve` does.
 */
export function addServerOptions(cmd: Command, select: { only?: Key[]; except?: Key[] }): Command {
  for (const spec of selectSpecs(select)) {
    const option = new Option(spec.flag, `${spec.description} [${spec.env}]`);
    if (!spec.boolean) option.argParser((raw: string) => parseOption(spec, raw, 'flag'));
    if (spec.hidden) option.hideHelp();
    cmd.addOption(option);
  }
  return cmd;
}

/** The options the user actually typed, for resolveConfig (flag > env > default). */
export function typedServerFlags(opts: Record<string, unknown>, select: { only?: Key[]; except?: Key[] }): Partial<ServerConfig> {
  const flags: Record<string, unknown> = {};
  for (const spec of selectSpecs(select)) {
    // commander names a value after its flag (`--config` → `config`), which need not be the option's key.
    const value = opts[new Option(spec.flag).attributeName()];
    // A `--no-x` flag reads true by default; only an explicit false was typed.
    if (spec.flag.startsWith('--no-') ? value === false : value !== undefined) flags[spec.key] = value;
  }
  return flags as Partial<ServerConfig>;
}

function selectSpecs(select: { only?: Key[]; except?: Key[] }) {
  return OPTION_SPECS.filter((s) => (select.only ? select.only.includes(s.key) : !select.except?.includes(s.key)));
}
