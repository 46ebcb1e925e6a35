import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../domain/retry-schedule.js';
import { parseDurationOption } from '../domain/durations.js';

// Every server option in one table: the CLI registers a flag from it, the env var name is
// derived from it, and README's configuration table documents it. Precedence: flag > env > default.
// Each value is checked here, by its option's parser (parseOption), whether it came as a flag or a
// variable: a bad one stops the start before anything runs, naming both.

export interface ServerConfig {
  host: string;
  port: number;
  /** `herald worker` only: the port for /healthz, /readyz and /metrics; null = open no port. */
  healthPort: number | null;
  dataDir: string;
  /** A SQLite file path (default `<dataDir>/herald.db`) or a postgres:// URL (`?schema=`, `?pool_size=`). */
  database: string | null;
  adminToken: string | null;
  allowPrivateNetworks: boolean;
  allowedNetworks: string[];
  dispatcher: boolean;
  /** Write an audit log entry per publish call too (docs/operators.md). */
  auditPublishes: boolean;
  retrySchedule: number[];
  pollInterval: number;
  maxInFlight: number;
  endpointConcurrency: number;
  batchSize: number;
  /** Worker threads that send deliveries; 0 = send from the main thread. */
  deliveryThreads: number;
  shutdownGrace: number;
  leaseMargin: number;
  bodyLimit: number;
  logLevel: string;
  /** Refuse `http://` endpoint URLs (API and config file alike). */
  requireHttps: boolean;
  /** A herald.config.json declaring apps and endpoints, applied at start-up; null = none. */
  configFile: string | null;
  /** The URL users reach Herald at (portal links point here); default http://<host>:<port>. */
  publicUrl: string | null;
  /** The product running Herald, named to customers in the portal ("ask <product> for a new link"); null = unnamed. */
  productName: string | null;
  /** The portal's accent colour, #rrggbb, for apps that set none; null = Herald's own. */
  brandAccent: string | null;
  /** The portal's theme for apps that set none: light, dark or auto (the browser's preference). */
  brandTheme: 'light' | 'dark' | 'auto';
  /** A PNG, JPEG or WebP file (at most 64 KiB): the portal's logo for apps that upload none; null = none. */
  brandLogo: string | null;
  /** 32-byte key for secrets at rest (base64 or hex); default: generated into the data folder. */
  encryptionKey: string | null;
  /** API requests per second one app token may make; 0 = unlimited. */
  tokenRateLimit: number;
  /** API requests per second the admin token may make; 0 = unlimited (the product's own backend). */
  adminRateLimit: number;
  /** An endpoint failing without a single success for this long (ms) is disabled; 0 = never. */
  endpointFailurePeriod: number;
  /** The app (id or uid) that receives operational events as webhooks; null = none. */
  operatorApp: string | null;
  /** Message payloads and attempt bodies older than this (ms) are purged; 0 = kept forever. */
  retention: number;
}

type Parser<T> = (raw: string) => T;

export interface OptionSpec<K extends keyof ServerConfig = keyof ServerConfig> {
  key: K;
  flag: string;
  env: string;
  description: string;
  parse: Parser<ServerConfig[K]>;
  /** For boolean flags: `--flag` sets true; `--no-flag` sets false where noted. */
  boolean?: boolean;
  hidden?: boolean;
}

const int = (name: string): Parser<number> => (raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
};
const duration = (name: string): Parser<number> => (raw) => {
  const ms = parseDurationOption(raw);
  if (ms === null) throw new Error(`${name} must be a duration such as 500ms, 5s or PT30S, got "${raw}"`);
  return ms;
};
const portNumber = (name: string): Parser<number> => (raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
};
const bool: Parser<boolean> = (raw) => ['1', 'true', 'yes', 'on'].includes(raw.trim().toLowerCase());
const list: Parser<string[]> = (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean);
const schedule: Parser<number[]> = (raw) => list(raw).map((step) => duration('retry schedule step')(step));
// The forms the network guard reads (delivery/network-guard/ranges.ts): a CIDR, or one address
// (bracketed IPv6 too). The guard skips an entry it cannot read, allowing nothing by it; checked
// here, a typo stops the start instead of going unnoticed.
const networks: Parser<string[]> = (raw) => {
  const entries = list(raw);
  for (const entry of entries) {
    const address = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (!ipaddr.isValidCIDR(entry) && !ipaddr.isValid(address)) {
      throw new Error(`invalid network "${entry}": expected a CIDR such as 10.0.0.0/8 or fd00::/8, or one address`);
    }
  }
  return entries;
};
// pino's levels, which it otherwise checks only when the logger is created, with a message that
// names neither the flag nor the variable.
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const logLevel: Parser<string> = (raw) => {
  if (!LOG_LEVELS.includes(raw)) throw new Error(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
};

// Branding (docs/branding.md): the same rules as PUT /api/v1/apps/{appId}/branding.
const accentColour: Parser<string | null> = (raw) => {
  const value = raw.trim();
  if (!value) return null;
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) throw new Error(`brand accent must be a colour written #rrggbb, e.g. #2457c5, got "${raw}"`);
  return value.toLowerCase();
};
const brandTheme: Parser<'light' | 'dark' | 'auto'> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (value !== 'light' && value !== 'dark' && value !== 'auto') throw new Error(`brand theme must be light, dark or auto, got "${raw}"`);
  return value;
};

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  healthPort: null,
  dataDir: './data',
  database: null,
  adminToken: null,
  allowPrivateNetworks: false,
  allowedNetworks: [],
  dispatcher: true,
  auditPublishes: true,
  retrySchedule: [...DEFAULT_RETRY_SCHEDULE_MS],
  pollInterval: 1000,
  maxInFlight: 512,
  endpointConcurrency: 64,
  batchSize: 256,
  // One thread beside the main one when there is a core for it: the main thread keeps the API and
  // the database, the thread the HTTP client work (see delivery/delivery-threads.ts).
  deliveryThreads: availableParallelism() > 1 ? 1 : 0,
  shutdownGrace: 10_000,
  leaseMargin: 30_000,
  bodyLimit: 1024 * 1024,
  logLevel: 'info',
  requireHttps: false,
  configFile: null,
  publicUrl: null,
  productName: null,
  brandAccent: null,
  brandTheme: 'auto',
  brandLogo: null,
  tokenRateLimit: 50,
  adminRateLimit: 0,
  encryptionKey: null,
  endpointFailurePeriod: 5 * 86_400_000,
  operatorApp: null,
  retention: 30 * 86_400_000,
};

export const OPTION_SPECS: OptionSpec[] = [
  { key: 'port', flag: '--port <port>', env: 'HERALD_PORT', description: 'HTTP port', parse: int('port') },
  // Registered by `herald worker` only (serve-command.ts leaves it out): the API process has /healthz.
  { key: 'healthPort', flag: '--health-port <port>', env: 'HERALD_HEALTH_PORT', description: 'serve /healthz and /readyz on this port', parse: portNumber('health port') },
  { key: 'host', flag: '--host <host>', env: 'HERALD_HOST', description: 'interface to listen on', parse: String },
  { key: 'dataDir', flag: '--data-dir <dir>', env: 'HERALD_DATA_DIR', description: 'folder for the database file and the generated admin token', parse: String },
  { key: 'database', flag: '--database <path|url>', env: 'HERALD_DATABASE', description: 'SQLite file (default <data-dir>/herald.db) or postgres://user@host/db[?schema=name] to share one database between processes', parse: String },
  { key: 'adminToken', flag: '--admin-token <token>', env: 'HERALD_ADMIN_TOKEN', description: 'admin API token (default: generated into the data folder)', parse: String },
  { key: 'allowPrivateNetworks', flag: '--allow-private-networks', env: 'HERALD_ALLOW_PRIVATE_NETWORKS', description: 'allow endpoints on loopback/private/link-local addresses (local use and tests)', parse: bool, boolean: true },
  { key: 'allowedNetworks', flag: '--allowed-networks <cidrs>', env: 'HERALD_ALLOWED_NETWORKS', description: 'comma-separated CIDRs allowed despite the private-network guard', parse: networks },
  { key: 'auditPublishes', flag: '--no-audit-publishes', env: 'HERALD_AUDIT_PUBLISHES', description: 'leave publish calls out of the audit log (each message stays its own record); faster single-message publishing', parse: bool, boolean: true },
  { key: 'dispatcher', flag: '--no-dispatcher', env: 'HERALD_DISPATCHER', description: 'serve the API without delivering (run `herald worker` elsewhere)', parse: bool, boolean: true },
  { key: 'retrySchedule', flag: '--retry-schedule <delays>', env: 'HERALD_RETRY_SCHEDULE', description: 'delays before each retry, e.g. 5s,5m,30m,2h,5h,10h,10h', parse: schedule },
  { key: 'pollInterval', flag: '--poll-interval <duration>', env: 'HERALD_POLL_INTERVAL', description: 'longest idle wait between looks for due deliveries', parse: duration('poll interval') },
  { key: 'maxInFlight', flag: '--max-in-flight <n>', env: 'HERALD_MAX_IN_FLIGHT', description: 'concurrent requests, all endpoints together', parse: int('max in flight') },
  { key: 'endpointConcurrency', flag: '--endpoint-concurrency <n>', env: 'HERALD_ENDPOINT_CONCURRENCY', description: 'concurrent requests to one endpoint', parse: int('endpoint concurrency') },
  { key: 'batchSize', flag: '--batch-size <n>', env: 'HERALD_BATCH_SIZE', description: 'deliveries claimed per query', parse: int('batch size'), hidden: true },
  { key: 'deliveryThreads', flag: '--delivery-threads <n>', env: 'HERALD_DELIVERY_THREADS', description: 'worker threads that send deliveries (default 1 on a machine with 2+ cores; 0 = the main thread)', parse: int('delivery threads') },
  { key: 'shutdownGrace', flag: '--shutdown-grace <duration>', env: 'HERALD_SHUTDOWN_GRACE', description: 'time in-flight requests get to finish on SIGTERM', parse: duration('shutdown grace') },
  { key: 'leaseMargin', flag: '--lease-margin <duration>', env: 'HERALD_LEASE_MARGIN', description: 'a claim (lease) lasts 2 × the endpoint timeout + this; then another process may deliver it again', parse: duration('lease margin') },
  { key: 'bodyLimit', flag: '--body-limit <bytes>', env: 'HERALD_BODY_LIMIT', description: 'largest accepted API request body', parse: int('body limit') },
  { key: 'publicUrl', flag: '--public-url <url>', env: 'HERALD_PUBLIC_URL', description: 'URL users reach Herald at, for portal links (default http://<host>:<port>)', parse: String },
  { key: 'productName', flag: '--product-name <name>', env: 'HERALD_PRODUCT_NAME', description: 'your product\'s name, shown to customers in the portal (e.g. "ask Acme for a new link")', parse: (raw) => raw.trim() || null },
  { key: 'brandAccent', flag: '--brand-accent <colour>', env: 'HERALD_BRAND_ACCENT', description: 'portal accent colour for apps that set none, e.g. #2457c5 (text on it is white, or black where white fails WCAG AA)', parse: accentColour },
  { key: 'brandTheme', flag: '--brand-theme <theme>', env: 'HERALD_BRAND_THEME', description: 'portal theme for apps that set none: light, dark or auto (follows the browser)', parse: brandTheme },
  { key: 'brandLogo', flag: '--brand-logo <file>', env: 'HERALD_BRAND_LOGO', description: 'portal logo for apps that upload none: a PNG, JPEG or WebP file of at most 64 KiB', parse: (raw) => raw.trim() || null },
  { key: 'encryptionKey', flag: '--encryption-key <key>', env: 'HERALD_ENCRYPTION_KEY', description: 'key for secrets at rest, 32 bytes base64/hex (default: generated into the data folder)', parse: String, hidden: true },
  { key: 'tokenRateLimit', flag: '--token-rate-limit <n>', env: 'HERALD_TOKEN_RATE_LIMIT', description: 'API requests per second per app token (0 = unlimited)', parse: int('token rate limit') },
  { key: 'adminRateLimit', flag: '--admin-rate-limit <n>', env: 'HERALD_ADMIN_RATE_LIMIT', description: 'API requests per second for the admin token (0 = unlimited)', parse: int('admin rate limit') },
  { key: 'logLevel', flag: '--log-level <level>', env: 'HERALD_LOG_LEVEL', description: 'trace, debug, info, warn, error, fatal or silent', parse: logLevel },
  { key: 'requireHttps', flag: '--require-https', env: 'HERALD_REQUIRE_HTTPS', description: 'refuse endpoint URLs that are not https://', parse: bool, boolean: true },
  { key: 'configFile', flag: '--config <path>', env: 'HERALD_CONFIG', description: 'herald.config.json declaring apps and endpoints, applied at start-up', parse: String },
  { key: 'endpointFailurePeriod', flag: '--endpoint-failure-period <duration>', env: 'HERALD_ENDPOINT_FAILURE_PERIOD', description: 'disable an endpoint after it has failed without a success for this long, e.g. 5d (0 = never)', parse: duration('endpoint failure period') },
  { key: 'operatorApp', flag: '--operator-app <id-or-uid>', env: 'HERALD_OPERATOR_APP', description: "app whose endpoints receive operational events (endpoint.disabled, message.attempt.exhausted, …)", parse: String },
  { key: 'retention', flag: '--retention <duration>', env: 'HERALD_RETENTION', description: 'purge message payloads and attempt bodies older than this, e.g. 30d (0 = keep forever; a message published with its own retentionHours still goes at its time)', parse: duration('retention') },
];

/** The flag without its argument: `--log-level`. */
export const flagName = (spec: OptionSpec): string => spec.flag.split(' ')[0]!;

/**
 * One option's value from its flag or its variable, checked by the option's parser: the one place a
 * bad value is refused. The message names where the value came from first, then the other way to
 * set the option, e.g. `HERALD_LOG_LEVEL (--log-level): log level must be one of …, got "loud"`.
 */
export function parseOption<K extends keyof ServerConfig>(spec: OptionSpec<K>, raw: string, from: 'flag' | 'env'): ServerConfig[K] {
  try {
    return spec.parse(raw);
  } catch (err) {
    const names = from === 'flag' ? `${flagName(spec)} (${spec.env})` : `${spec.env} (${flagName(spec)})`;
    throw new Error(`${names}: ${(err as Error).message}`);
  }
}
