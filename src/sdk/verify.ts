import { entityFromRequest } from '../wire/request-entity.js';
import { verifySignature, WebhookVerificationError, type SignatureSchemeName } from '../wire/index.js';

export { WebhookVerificationError } from '../wire/index.js';
export type { SignatureSchemeName } from '../wire/index.js';

/** Plain header objects (Node, Express, Fastify) or a fetch `Headers` (Next.js, Hono, Deno). */
export type HeadersLike =
  | Record<string, string | string[] | undefined>
  | { forEach(callback: (value: string, name: string) => void): void; get(name: string): string | null };

export interface VerifyWebhookOptions {
  /**
   * The raw body exactly as received. A re-serialised `JSON.stringify(req.body)` will not verify, and
   * a parsed object throws a TypeError saying how to get the raw body (express.raw, Fastify rawBody).
   */
  body: string | Uint8Array | ArrayBuffer | null | undefined;
  headers: HeadersLike;
  /** The endpoint's secret; several while you roll a secret over (any one may match). */
  secret: string | readonly string[];
  /** Default `standard-webhooks`, Herald's default. */
  scheme?: SignatureSchemeName;
  /** Signature header name, for schemes where the endpoint configured its own. */
  header?: string;
  /** Text before the digest (`hmac-sha256` only), e.g. `sha256=`. */
  prefix?: string;
  /** Needed for `entity-path` GET requests, which sign the last three path segments. */
  method?: string;
  /** The request path (with or without query); needed for `entity-path` GET. */
  url?: string;
  /** Largest accepted clock difference in seconds, either way. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** Current Unix time in seconds; for tests. */
  now?: number;
}

/** What an `entity-path` GET carries instead of a body. */
export interface EntityReference {
  eventType: string;
  entityType: string;
  entityId: string;
}

function plainHeaders(headers: HeadersLike): Record<string, string | string[] | undefined> {
  if (typeof headers.forEach !== 'function' || typeof headers.get !== 'function') {
    return headers as Record<string, string | string[] | undefined>;
  }
  const out: Record<string, string> = {};
  (headers as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/**
 * The most common receiver mistake is passing the body a JSON parser already parsed. That can never
 * verify (the signature covers the bytes Herald sent, and re-serialising changes them), so it is a
 * programming error, thrown as a TypeError that says how to get the raw body, not a
 * WebhookVerificationError that would read like a forgery or a wrong secret.
 */
export const PARSED_BODY_MESSAGE =
  'verify() needs the raw request body exactly as received (a string, Buffer or Uint8Array), but got a parsed value: ' +
  'the signature covers the bytes Herald sent, and a parsed and re-serialised body never matches them. ' +
  "Express: use express.raw({ type: 'application/json' }) on the webhook route instead of express.json() and pass req.body, " +
  "or use heraldWebhook() from 'herald/express'. " +
  "Fastify: register heraldWebhooks from 'herald/fastify', or parse that route's bodies with addContentTypeParser('application/json', { parseAs: 'buffer' }, …) " +
  '(or pass request.rawBody from the fastify-raw-body plugin). Fetch (Next.js, Hono, Deno): pass await request.text().';

function asBodyInput(body: VerifyWebhookOptions['body']): string | Buffer | undefined {
  // null is what some frameworks report for "no body" (a GET); it carries nothing to mis-verify.
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError(PARSED_BODY_MESSAGE);
}

/**
 * Verifies a webhook from Herald under any signature scheme and returns its payload: the parsed
 * JSON body, or for a bodiless `entity-path` GET the entity named by the path. Throws
 * `WebhookVerificationError` with a short `reason` ("signature mismatch", "timestamp too old …",
 * "missing header webhook-signature"). Comparison is constant-time (src/wire does it).
 */
export function verify<T = unknown>(options: VerifyWebhookOptions): T {
  const request = toReceived(options);
  checkReceived(options, request);
  return parsePayload(request) as T;
}

/** The signature check alone, for tools that show any body (`herald listen`, `herald verify`). */
export function verifySignatureOnly(options: VerifyWebhookOptions): void {
  checkReceived(options, toReceived(options));
}

function toReceived(options: VerifyWebhookOptions) {
  return { method: options.method, url: options.url, headers: plainHeaders(options.headers), body: asBodyInput(options.body) };
}

function checkReceived(options: VerifyWebhookOptions, request: ReturnType<typeof toReceived>): void {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0) throw new WebhookVerificationError('no secret configured');
  const signature = { scheme: options.scheme ?? 'standard-webhooks', header: options.header, prefix: options.prefix };
  const clock = { toleranceSeconds: options.toleranceSeconds, now: options.now };
  let firstFailure: unknown;
  for (const secret of secrets) {
    try {
      verifySignature(signature, secret, request, clock);
      return;
    } catch (err) {
      // Reasons such as a missing header are the same for every secret; report the first.
      firstFailure ??= err;
    }
  }
  throw firstFailure;
}

function parsePayload(request: { method?: string; url?: string; body: string | Buffer | undefined }): unknown {
  const text = request.body === undefined ? '' : request.body.toString();
  if (text.length === 0) {
    // A bodiless request only carries something when the path names an entity (`entity-ref` GET).
    if (request.url === undefined) return null;
    try {
      return entityFromRequest({ ...request, body: undefined }) satisfies EntityReference;
    } catch {
      return null;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WebhookVerificationError('body is not valid JSON');
  }
}
