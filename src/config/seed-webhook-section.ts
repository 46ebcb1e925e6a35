import { dirname, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { parseIsoDuration } from '../domain/durations.js';
import type { TlsSettings } from '../domain/model.js';
import { KeystoreError } from '../security/pkcs12.js';
import type { ConfigEndpoint, LoadedConfigFile } from './config-file.js';
import { readKeyFile, readTrustFile } from './keystore-file.js';

// The e-signing automation service's own webhook configuration (shared/seeds/004): a `webHook`
// section of its configuration file, with that document's keys and defaults. Herald reads such a
// file as is and declares what it describes in its own terms: one endpoint (uid `webHook`) in the
// app `default`, subscribed to every event, sending the published data as the body
// (`payloadFormat: raw`) signed into `X-Signature` (hex HMAC-SHA256 of the body) when a secret is
// set. Being an ordinary declared endpoint, it keeps its id and history from one start to the next.

const strict = { additionalProperties: false } as const;

export const SeedWebhookSection = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'the webhook is disabled unless true' })),
    endpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'sent as ?key=… after a "/"' })),
    connectionTimeout: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'ISO 8601, default PT30S' })),
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    useSslTrustAll: Type.Optional(Type.Boolean({ description: 'default true: certificates are not verified' })),
    useSslClientCert: Type.Optional(Type.Boolean()),
    sslTrustFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    sslKeyFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    sslKeyPassword: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  strict,
);
export type SeedWebhookSection = Static<typeof SeedWebhookSection>;

/** The rest of the product's configuration file is its own: only `webHook` is read. */
export const SeedWebhookFile = Type.Object({ webHook: SeedWebhookSection }, { additionalProperties: true });

export const SEED_APP_UID = 'default';
export const SEED_ENDPOINT_UID = 'webHook';
/** The document: "The http connection timeout (optional) can be changed from the default, which is 30 seconds." */
const DEFAULT_CONNECTION_TIMEOUT = 'PT30S';

/** A file in the e-signing service's shape: a `webHook` section and none of Herald's own `apps`. */
export function isSeedWebhookFile(data: unknown): data is { webHook: unknown } {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'webHook' in data && !('apps' in data);
}

/** A section whose values cannot be used; the message names the key (`webHook.sslKeyFile`) and says why. */
export class SeedSectionError extends Error {}

/**
 * Turns a checked `webHook` section into Herald's own declaration. Key and trust store files are
 * read here, relative to the configuration file, so a wrong password or a JKS file stops start-up
 * with a message naming the key rather than failing every delivery later.
 */
export function translateSeedWebhookFile(file: Static<typeof SeedWebhookFile>, configPath: string): LoadedConfigFile {
  const section = file.webHook;
  const warnings: string[] = [];
  const ignored = Object.keys(file).filter((key) => key !== 'webHook' && key !== '$schema');
  if (ignored.length) warnings.push(`only the webHook section is read; ignored: ${ignored.join(', ')}`);

  const enabled = section.enabled === true;
  const endpoints: ConfigEndpoint[] = [];
  if (section.endpoint === undefined) {
    if (enabled) throw new SeedSectionError('webHook.endpoint is required when webHook.enabled is true');
    // Nothing to declare: a webHook endpoint declared by an earlier start is disabled (history kept).
  } else {
    endpoints.push(declaredEndpoint(section, section.endpoint, enabled, configPath, warnings));
  }
  return {
    apps: [{ uid: SEED_APP_UID, name: SEED_APP_UID, createOnly: true, endpoints }],
    warnings,
    // The endpoint is checked with the API's rules (URL, SSRF guard, secret, timeout range); their
    // messages then name this section's keys.
    pathNames: [
      ['apps[0].endpoints[0].url', 'webHook.endpoint'],
      ['apps[0].endpoints[0].secret', 'webHook.secret'],
      ['apps[0].endpoints[0]: timeout must be', 'webHook.connectionTimeout must be'],
      ['apps[0].endpoints[0]', 'webHook'],
    ],
  };
}

function declaredEndpoint(section: SeedWebhookSection, url: string, enabled: boolean, configPath: string, warnings: string[]): ConfigEndpoint {
  const timeout = section.connectionTimeout ?? DEFAULT_CONNECTION_TIMEOUT;
  if (parseIsoDuration(timeout) === null) {
    throw new SeedSectionError(`webHook.connectionTimeout "${timeout}" is not an ISO 8601 duration such as PT30S or PT60S`);
  }
  const tls = tlsSettings(section, configPath, warnings);
  const https = /^https:/i.test(url);
  if (https && tls?.insecureSkipVerify && enabled) {
    warnings.push(
      'webHook: TLS certificates of the receiver are NOT verified (useSslTrustAll defaults to true, as the e-signing service documents): ' +
        'anyone on the network path can pose as the receiver; set "useSslTrustAll": false to verify',
    );
  }
  return {
    uid: SEED_ENDPOINT_UID,
    name: 'webHook (configuration file)',
    enabled,
    url: section.key === undefined ? url : withSlashBeforeQuery(url),
    query: section.key === undefined ? {} : { key: section.key },
    payloadFormat: 'raw',
    signature: section.secret === undefined ? { scheme: 'none' } : { scheme: 'hmac-sha256', header: 'X-Signature' },
    ...(section.secret === undefined ? {} : { secret: section.secret }),
    timeout,
    // TLS settings mean nothing to an http:// URL: none are stored, so no "verification skipped" shows for it.
    tls: https ? tls : null,
  };
}

/**
 * The document: endpoint `http://www.example.org/automation` with key `K` is called as
 * `http://www.example.org/automation/?key=K`. The `/` goes at the end of the path, before any
 * query the endpoint already has.
 */
export function withSlashBeforeQuery(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  const rest = end === -1 ? '' : url.slice(end);
  return path.endsWith('/') ? url : `${path}/${rest}`;
}

function tlsSettings(section: SeedWebhookSection, configPath: string, warnings: string[]): TlsSettings | null {
  const trustAll = section.useSslTrustAll ?? true;
  const clientCert = section.useSslClientCert ?? false;
  const at = (key: 'sslTrustFile' | 'sslKeyFile') => {
    const file = resolve(dirname(configPath), section[key]!);
    return { file, what: `webHook.${key} (${file})` };
  };
  const tls: TlsSettings = {};
  if (trustAll) tls.insecureSkipVerify = true;

  if (section.sslTrustFile !== undefined) {
    const { file, what } = at('sslTrustFile');
    // The document gives the trust store no password of its own: try the key store's, then none.
    const passwords = section.sslKeyPassword ? [section.sslKeyPassword, ''] : [''];
    const ca = keystore(() => readTrustFile(file, passwords, what));
    if (trustAll) warnings.push('webHook.sslTrustFile is not used while useSslTrustAll is true (its default): set "useSslTrustAll": false');
    else tls.ca = ca;
  }
  if (section.sslKeyFile !== undefined) {
    const { file, what } = at('sslKeyFile');
    const identity = keystore(() => readKeyFile(file, section.sslKeyPassword, what));
    if (clientCert) Object.assign(tls, identity);
    else warnings.push('webHook.sslKeyFile is read but not presented to the receiver: set "useSslClientCert": true for client authentication');
  } else if (clientCert) {
    throw new SeedSectionError('webHook.useSslClientCert is true but webHook.sslKeyFile is not set: name the key store holding the client certificate');
  }
  return Object.keys(tls).length ? tls : null;
}

function keystore<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof KeystoreError) throw new SeedSectionError(err.message);
    throw err;
  }
}
