import { requireEntityFields } from './entity.js';
import { hmacSha256, signingKey } from './hmac.js';
import { resolveScheme, type SchemeDefinition } from './scheme-presets.js';
import { renderText, templateUses } from './template.js';
import type { SignatureConfig, WireMessage } from './types.js';

export interface SignContext {
  msg: WireMessage;
  /** The attempt's Unix time in seconds. */
  timestamp: number;
  /** The exact body that will be sent; undefined (GET) signs as the empty string. */
  body: string | undefined;
}

/** Decoded signing keys by secret: every request to an endpoint signs with the same few. */
const keys = new Map<string, Buffer>();
const MAX_CACHED_KEYS = 10_000;

function cachedSigningKey(encoding: SchemeDefinition['key'], secret: string): Buffer {
  const id = `${encoding}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(id, (key = signingKey(encoding, secret)));
  }
  return key;
}

function unixSeconds(timestamp: number): string {
  // A millisecond or fractional value would produce signatures no receiver accepts; fail at the source.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`timestamp must be whole Unix seconds, got ${timestamp}`);
  }
  return String(timestamp);
}

/**
 * The one signer: every scheme is interpreted from its data in `scheme-presets.ts`. Returns the
 * scheme's headers (empty for `none`). Throws when a signed scheme has no secret, because sending
 * unsigned requests to a receiver that expects signatures would fail open.
 */
export function signatureHeaders(
  sig: SignatureConfig,
  secrets: string[],
  ctx: SignContext,
): Record<string, string> {
  const scheme = resolveScheme(sig);
  if (scheme.header === null) return {};
  if (secrets.length === 0) throw new Error(`signature scheme "${sig.scheme}" requires a secret`);

  const ts = unixSeconds(ctx.timestamp);
  const vars: Record<string, string | undefined> = { id: ctx.msg.id, ts, body: ctx.body ?? '' };
  if (templateUses(scheme.content, 'entityType') || templateUses(scheme.content, 'entityId')) {
    Object.assign(vars, requireEntityFields(ctx.msg));
  } else {
    vars.eventType = ctx.msg.eventType;
  }
  // Text, hashed as UTF-8: the same bytes as rendering each part to bytes and joining them (every
  // part here is a string, and the templates put literals between parts), with one buffer less per part.
  const content = renderText(scheme.content, vars);

  const { definition } = scheme;
  // Only multi-value schemes (Standard Webhooks) let receivers try several signatures. The others'
  // documented parsers read a single value, so during rotation they get the newest secret's only.
  const active = definition.multiValueSeparator === null ? secrets.slice(0, 1) : secrets;
  const values = active.map((secret) =>
    renderText(scheme.value, {
      sig: hmacSha256(cachedSigningKey(definition.key, secret), content, definition.encoding),
      ts,
      prefix: scheme.prefix,
    }),
  );

  const headers: Record<string, string> = {};
  for (const [name, template] of scheme.extraHeaders) headers[name] = renderText(template, vars);
  headers[scheme.header] = values.join(definition.multiValueSeparator ?? '');
  return headers;
}
