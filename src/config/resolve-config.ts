import { join } from 'node:path';
import { DEFAULT_CONFIG, OPTION_SPECS, parseOption, type ServerConfig } from './options.js';

/**
 * flag > HERALD_* env > default. `flags` holds only what the user typed (already parsed by the
 * CLI with parseOption); env values are parsed here the same way, so a bad one fails at start.
 */
export function resolveConfig(
  flags: Partial<ServerConfig>,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const config: ServerConfig = { ...DEFAULT_CONFIG };
  const target = config as unknown as Record<string, unknown>;
  for (const spec of OPTION_SPECS) {
    const fromFlag = flags[spec.key];
    const fromEnv = env[spec.env];
    if (fromFlag !== undefined) {
      target[spec.key] = fromFlag;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      target[spec.key] = parseOption(spec, fromEnv, 'env');
    }
  }
  return config;
}

export function databaseLocation(config: ServerConfig): string {
  return config.database ?? join(config.dataDir, 'herald.db');
}
