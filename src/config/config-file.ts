import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type, type Static } from 'typebox';
import { AppCreate, EndpointCreate } from '../schemas/bodies.js';
import { isSeedWebhookFile, SeedSectionError, SeedWebhookFile, translateSeedWebhookFile } from './seed-webhook-section.js';

// herald.config.json: apps and their endpoints declared as data, applied at start-up by
// services/apply-config-file.ts. The fields are the API's own (same schemas, same names), plus a
// `uid` per endpoint so the next start finds it again, and `enabled`, the flag's usual name in
// receivers' own webhook configuration files (the e-signing automation service's `webHook.enabled`).

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const strict = { additionalProperties: false } as const;
const Uid = Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', description: 'stable key, unique within its parent' });

export const ConfigEndpoint = Type.Object(
  {
    ...EndpointCreate.properties,
    uid: Uid,
    enabled: Type.Optional(Type.Boolean({ description: 'false declares the endpoint but delivers nothing to it' })),
  },
  strict,
);

export const ConfigApp = Type.Object(
  {
    ...AppCreate.properties,
    uid: Uid,
    endpoints: Type.Optional(Type.Array(ConfigEndpoint, { maxItems: 1000 })),
  },
  strict,
);

export const ConfigFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    apps: Type.Array(ConfigApp, { maxItems: 10_000 }),
  },
  strict,
);

export type ConfigEndpoint = Static<typeof ConfigEndpoint>;
export type ConfigApp = Static<typeof ConfigApp>;
export type ConfigFile = Static<typeof ConfigFileSchema>;

/**
 * A file as applied: Herald's own shape, or another product's webhook section translated into it
 * (seed-webhook-section.ts), with what the log should say about it at every start.
 */
export interface LoadedConfigFile {
  /** `createOnly`: make the app if it is missing, never rename or reconfigure an existing one. */
  apps: (ConfigApp & { createOnly?: boolean })[];
  warnings?: string[];
  /** For a translated file: Herald's field paths and the file's own names for them, tried in order. */
  pathNames?: Array<[string, string]>;
}

/** A config file that cannot be used; the message names the file and the offending field. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** Reads, parses and schema-checks the file; rules beyond the schema are checked when applying. */
export function loadConfigFile(path: string): LoadedConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`config file ${path}: cannot be read: ${(err as Error).message}`);
  }
  return parseConfigFile(text, path);
}

export function parseConfigFile(text: string, path: string): LoadedConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`config file ${path}: not valid JSON: ${(err as Error).message}`);
  }
  // Same Ajv settings as API bodies (validation.ts): no coercion, unknown fields are errors.
  const ajv = addFormats(new Ajv({ useDefaults: true, removeAdditional: false, strict: false, allErrors: false, coerceTypes: false }));
  // The e-signing automation service's own configuration file, read as is (its `webHook` section).
  if (isSeedWebhookFile(data)) {
    const validateSeed = ajv.compile<Static<typeof SeedWebhookFile>>(SeedWebhookFile);
    if (!validateSeed(data)) throw new ConfigFileError(`config file ${path}: ${describeError(validateSeed.errors![0]!)}`);
    try {
      return translateSeedWebhookFile(data, path);
    } catch (err) {
      if (err instanceof SeedSectionError) throw new ConfigFileError(`config file ${path}: ${err.message}`);
      throw err;
    }
  }
  const validate = ajv.compile<ConfigFile>(ConfigFileSchema);
  if (!validate(data)) throw new ConfigFileError(`config file ${path}: ${describeError(validate.errors![0]!)}`);
  return data;
}

/** `apps[0].endpoints[1].timeout` rather than Ajv's `/apps/0/endpoints/1/timeout`. */
export function fieldPath(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out || '(top level)';
}

function describeError(error: ErrorObject): string {
  const at = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${at} has an unknown field "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${at} is missing the required field "${String(params.missingProperty)}"`;
  if (error.keyword === 'pattern') return `${at} has an invalid format (must match ${String(params.pattern)})`;
  return `${at} ${error.message ?? 'is invalid'}`;
}
