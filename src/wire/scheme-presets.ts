import { parseTemplate, type Template } from './template.js';
import type { SignatureConfig, SignatureSchemeName } from './types.js';

/**
 * A signature scheme as data. One signer (`signer.ts`) and one verifier (`verify.ts`) interpret
 * these parts, so a vendor format is a table row, and a user-defined scheme later is just another
 * value of this shape.
 */
export interface SchemeDefinition {
  /** Default header for the signature value; null means the scheme sends no signature. */
  readonly header: string | null;
  readonly headerConfigurable: boolean;
  readonly prefixConfigurable: boolean;
  /** Signed content. Placeholders: {id} {ts} {body} {eventType} {entityType} {entityId}. */
  readonly content: string;
  /** `whsec-base64`: base64-decode what follows `whsec_`; `utf8`: the secret's UTF-8 bytes. */
  readonly key: 'whsec-base64' | 'utf8';
  readonly encoding: 'hex' | 'base64';
  /** Header value. Placeholders: {sig} {ts} {prefix}. */
  readonly value: string;
  /**
   * Separator for one value per active secret during rotation; null signs with the newest secret
   * only, for receivers whose parsers expect exactly one value.
   */
  readonly multiValueSeparator: string | null;
  /** Further headers the scheme defines, as templates. Placeholders: {id} {ts}. */
  readonly extraHeaders: Readonly<Record<string, string>>;
}

export const CONTENT_PLACEHOLDERS = ['id', 'ts', 'body', 'eventType', 'entityType', 'entityId'] as const;
export const VALUE_PLACEHOLDERS = ['sig', 'ts', 'prefix'] as const;
export const EXTRA_HEADER_PLACEHOLDERS = ['id', 'ts'] as const;

const unsigned: SchemeDefinition = {
  header: null,
  headerConfigurable: false,
  prefixConfigurable: false,
  content: '',
  key: 'utf8',
  encoding: 'hex',
  value: '',
  multiValueSeparator: null,
  extraHeaders: {},
};

/**
 * Header names are lower-case (HTTP/1.1 treats them case-insensitively and HTTP/2 requires lower
 * case). For `hmac-sha256` the default is `x-signature` (the e-signing automation service's): it is vendor-neutral and matches
 * the empty default prefix; PeopleForce (`x-peopleforce-signature`, prefix `sha256=`) and GitHub
 * (`x-hub-signature-256`, prefix `sha256=`) set both explicitly.
 */
const standardWebhooks: SchemeDefinition = {
  header: 'webhook-signature',
  headerConfigurable: false,
  prefixConfigurable: false,
  content: '{id}.{ts}.{body}',
  key: 'whsec-base64',
  encoding: 'base64',
  value: 'v1,{sig}',
  multiValueSeparator: ' ',
  extraHeaders: { 'webhook-id': '{id}', 'webhook-timestamp': '{ts}' },
};

export const SCHEME_PRESETS: Readonly<Record<SignatureSchemeName, SchemeDefinition>> = Object.freeze({
  'standard-webhooks': standardWebhooks,
  // What Svix sends (its unbranded webhook-* names are a paid white-label option): the same
  // signature under svix-* names, which receivers moving from Svix often read in their own code.
  // Svix's Webhook class, in every language, verifies either.
  svix: {
    ...standardWebhooks,
    header: 'svix-signature',
    extraHeaders: { 'svix-id': '{id}', 'svix-timestamp': '{ts}' },
  },
  timestamped: {
    header: 'officernd-signature',
    headerConfigurable: true,
    prefixConfigurable: false,
    content: '{body}.{ts}',
    key: 'utf8',
    encoding: 'hex',
    value: 't={ts},signature={sig}',
    multiValueSeparator: null,
    extraHeaders: {},
  },
  'hmac-sha256': {
    header: 'x-signature',
    headerConfigurable: true,
    prefixConfigurable: true,
    content: '{body}',
    key: 'utf8',
    encoding: 'hex',
    value: '{prefix}{sig}',
    multiValueSeparator: null,
    extraHeaders: {},
  },
  stripe: {
    header: 'stripe-signature',
    headerConfigurable: false,
    prefixConfigurable: false,
    content: '{ts}.{body}',
    key: 'utf8',
    encoding: 'hex',
    value: 't={ts},v1={sig}',
    multiValueSeparator: null,
    extraHeaders: {},
  },
  // The ':' separator is iOFFICE's; since eventType may itself contain ':', the signed content can
  // be ambiguous across fields. Kept byte-compatible on purpose: entity-path receivers expect it
  // (wire format reference in docs/).
  'entity-path': {
    header: 'x-ioffice-signature',
    headerConfigurable: true,
    prefixConfigurable: false,
    content: '{eventType}:{entityType}:{entityId}',
    key: 'utf8',
    encoding: 'hex',
    value: '{sig}',
    multiValueSeparator: null,
    extraHeaders: {},
  },
  none: unsigned,
});

/** A definition with its templates parsed and the endpoint's header name and prefix applied. */
export interface CompiledScheme {
  readonly definition: SchemeDefinition;
  readonly header: string | null;
  readonly prefix: string;
  readonly content: Template;
  readonly value: Template;
  readonly extraHeaders: readonly (readonly [name: string, template: Template])[];
}

export function compileScheme(definition: SchemeDefinition, header?: string, prefix?: string): CompiledScheme {
  return {
    definition,
    header: definition.header === null ? null : (header ?? definition.header),
    prefix: prefix ?? '',
    content: parseTemplate(definition.content, CONTENT_PLACEHOLDERS),
    value: parseTemplate(definition.value, VALUE_PLACEHOLDERS),
    extraHeaders: Object.entries(definition.extraHeaders).map(
      ([name, source]) => [name, parseTemplate(source, EXTRA_HEADER_PLACEHOLDERS)] as const,
    ),
  };
}

const compiledDefaults = new Map<SignatureSchemeName, CompiledScheme>(
  Object.entries(SCHEME_PRESETS).map(([name, def]) => [name as SignatureSchemeName, compileScheme(def)]),
);

/**
 * Presets compile once at load; only an endpoint's header/prefix override creates a new object.
 * Overrides a scheme does not allow are ignored here (validateWireConfig rejects them), so a
 * fixed-name scheme such as stripe always uses the header its receivers' libraries read.
 */
export function resolveScheme(sig: SignatureConfig): CompiledScheme {
  const base = compiledDefaults.get(sig.scheme);
  if (!base) throw new Error(`unknown signature scheme "${String(sig.scheme)}"`);
  const header = base.definition.headerConfigurable ? sig.header : undefined;
  const prefix = base.definition.prefixConfigurable ? sig.prefix : undefined;
  if (header === undefined && prefix === undefined) return base;
  return { ...base, header: header ?? base.header, prefix: prefix ?? base.prefix };
}

export function defaultSignatureHeader(scheme: SignatureSchemeName): string | null {
  return SCHEME_PRESETS[scheme]?.header ?? null;
}
