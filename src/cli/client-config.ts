import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Herald } from '../sdk/client.js';
import type { CliIo } from './cli-io.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

export interface ClientConfig {
  url: string;
  token: string;
}

/**
 * The client config file: `$HERALD_CLI_CONFIG`, else `$XDG_CONFIG_HOME/herald/cli.json`, else
 * `~/.config/herald/cli.json`. A per-user file, not one in the project folder, because it holds
 * a token that must not end up in a repository.
 */
export function clientConfigPath(io: Pick<CliIo, 'env' | 'homeDir'>): string {
  if (io.env.HERALD_CLI_CONFIG) return io.env.HERALD_CLI_CONFIG;
  const base = io.env.XDG_CONFIG_HOME || join(io.homeDir, '.config');
  return join(base, 'herald', 'cli.json');
}

function readConfigFile(path: string): Partial<ClientConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path} must hold a JSON object like {"url": "…", "token": "…"}`);
  const { url, token } = parsed as Record<string, unknown>;
  if (url !== undefined && typeof url !== 'string') throw new Error(`${path}: "url" must be a string`);
  if (token !== undefined && typeof token !== 'string') throw new Error(`${path}: "token" must be a string`);
  return { url, token };
}

/** Precedence, as everywhere in Herald: flag > HERALD_* environment > config file > default. */
export function resolveClientConfig(flags: { url?: string; token?: string }, io: Pick<CliIo, 'env' | 'homeDir'>): ClientConfig {
  const path = clientConfigPath(io);
  const file = readConfigFile(path);
  const url = flags.url || io.env.HERALD_URL || file.url || DEFAULT_SERVER_URL;
  const token = flags.token || io.env.HERALD_TOKEN || file.token;
  if (!token) {
    throw new Error(`no API token: pass --token, set HERALD_TOKEN, or put {"url": "…", "token": "…"} in ${path}`);
  }
  return { url, token };
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', `Herald's base URL [HERALD_URL] (default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'API token [HERALD_TOKEN]');
}

/** A client for the CLI; its network failures name the request and URL (HeraldNetworkError). */
export function connect(flags: { url?: string; token?: string }, io: CliIo): Herald {
  const config = resolveClientConfig(flags, io);
  return new Herald({ url: config.url, token: config.token });
}
