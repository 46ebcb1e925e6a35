import { WebhookVerificationError } from './errors.js';
import { constantTimeEqual, hmacSha256, signingKey } from './hmac.js';
import { entityFromRequest } from './request-entity.js';
import { resolveScheme, type CompiledScheme } from './scheme-presets.js';
import { matchTemplate, renderBytes, templateUses, type Template } from './template.js';
import type { SignatureConfig } from './types.js';

export interface ReceivedRequest {
  method?: string;
  /** Path (with or without origin and query); needed for `entity-path` GET requests. */
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body exactly as received; a re-serialised parsed body will not verify. */
  body: string | Buffer | undefined;
}

export interface VerifyOptions {
  /** Largest accepted clock difference either way. Default 300, the Standard Webhooks default. */
  toleranceSeconds?: number;
  /** Current Unix time in seconds (same unit as the signed timestamp); defaults to the clock. */
  now?: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const SIGNATURE_PATTERNS = { hex: '[0-9a-fA-F]+', base64: '[A-Za-z0-9+/]+={0,2}' } as const;

function readHeader(req: ReceivedRequest, name: string, joinWith: string | null): string {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length === 0) throw new WebhookVerificationError(`missing header ${wanted}`);
  if (values.length > 1 && joinWith === null) throw new WebhookVerificationError(`more than one header ${wanted}`);
  return values.join(joinWith ?? '');
}

function checkTimestamp(ts: string, opts: VerifyOptions): void {
  if (!/^\d{1,15}$/.test(ts)) throw new WebhookVerificationError(`invalid timestamp "${ts}"`);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const age = now - Number(ts);
  if (age > tolerance) throw new WebhookVerificationError(`timestamp too old (${age}s, tolerance ${tolerance}s)`);
  if (-age > tolerance) throw new WebhookVerificationError(`timestamp too new (${-age}s ahead, tolerance ${tolerance}s)`);
}

/** Values the scheme carries in headers of their own (Standard Webhooks' webhook-id and -timestamp). */
function varsFromExtraHeaders(scheme: CompiledScheme, req: ReceivedRequest): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, template] of scheme.extraHeaders) {
    const only = template.length === 1 ? template[0]! : undefined;
    if (only?.kind === 'var') vars[only.name] = readHeader(req, name, null);
  }
  return vars;
}

function usesEntity(content: Template): boolean {
  return ['eventType', 'entityType', 'entityId'].some((name) => templateUses(content, name));
}

/**
 * Verifies a received request against one secret, interpreting the same scheme data the signer
 * uses. Returns nothing on success; otherwise throws WebhookVerificationError with a reason.
 * A receiver rotating secrets calls it once per secret it still accepts.
 */
export function verifySignature(
  sig: SignatureConfig,
  secret: string,
  req: ReceivedRequest,
  opts: VerifyOptions = {},
): void {
  let scheme: CompiledScheme;
  try {
    scheme = resolveScheme(sig);
  } catch (err) {
    throw new WebhookVerificationError((err as Error).message);
  }
  if (scheme.header === null) return;
  const { definition } = scheme;

  const headerVars = varsFromExtraHeaders(scheme, req);
  if (headerVars.ts !== undefined) checkTimestamp(headerVars.ts, opts);

  const raw = readHeader(req, scheme.header, definition.multiValueSeparator);
  const candidates = (definition.multiValueSeparator === null ? [raw] : raw.split(definition.multiValueSeparator))
    .map((value) =>
      matchTemplate(scheme.value, value.trim(), { sig: SIGNATURE_PATTERNS[definition.encoding], ts: '\\d+' }, { prefix: scheme.prefix }),
    )
    .filter((parsed): parsed is Record<string, string> => parsed !== null);
  if (candidates.length === 0) throw new WebhookVerificationError(`malformed header ${scheme.header.toLowerCase()}`);

  const baseVars: Record<string, string | Buffer | undefined> = { ...headerVars, body: req.body ?? '' };
  if (usesEntity(scheme.content)) Object.assign(baseVars, entityFromRequest(req));
  let key: Buffer;
  try {
    key = signingKey(definition.key, secret);
  } catch (err) {
    throw new WebhookVerificationError((err as Error).message);
  }

  for (const candidate of candidates) {
    const vars = { ...baseVars, ...candidate };
    if (candidate.ts !== undefined) checkTimestamp(candidate.ts, opts);
    if (templateUses(scheme.content, 'ts') && vars.ts === undefined) {
      throw new WebhookVerificationError('no timestamp in signature headers');
    }
    const expected = hmacSha256(key, renderBytes(scheme.content, vars), definition.encoding);
    const received = definition.encoding === 'hex' ? candidate.sig!.toLowerCase() : candidate.sig!;
    if (constantTimeEqual(expected, received)) return;
  }
  throw new WebhookVerificationError('signature mismatch');
}
