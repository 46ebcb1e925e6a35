import { SIGNATURE_SCHEMES, WebhookVerificationError } from '../wire/index.js';
import { verify, type HeadersLike, type VerifyWebhookOptions } from './verify.js';

/** What the Express and Fastify middleware attach to the request as `req.webhook`. */
export interface VerifiedWebhook<T = unknown> {
  /** The message id (`webhook-id` header, sent with every scheme): your idempotency key. */
  id: string | undefined;
  /** The parsed JSON body, or the entity a bodiless `entity-path` GET names. */
  payload: T;
  /** The exact bytes that were verified (empty for a GET). */
  rawBody: Buffer;
}

/** Everything `verify` takes except what comes from the request itself. */
export type WebhookMiddlewareOptions = Omit<VerifyWebhookOptions, 'body' | 'headers' | 'method' | 'url'>;

export interface RejectedWebhook {
  status: 400 | 401;
  body: { error: 'webhook_verification_failed'; reason: string };
}

/**
 * Misconfiguration should fail when the app starts, not as a 401 on every delivery, which would
 * look like an attack or a Herald bug.
 */
export function checkMiddlewareOptions(options: WebhookMiddlewareOptions): void {
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(secrets) && typeof options.secret !== 'string') throw new TypeError('webhook secret must be a string or an array of strings');
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('webhook secret is empty: pass the endpoint secret shown by Herald');
  }
  if (options.scheme !== undefined && !SIGNATURE_SCHEMES.includes(options.scheme)) {
    throw new TypeError(`unknown signature scheme "${String(options.scheme)}" (one of ${SIGNATURE_SCHEMES.join(', ')})`);
  }
}

function headerValue(headers: HeadersLike, name: string): string | undefined {
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => string | null)(name) : (headers as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value[0] as string | undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * 401 when the request is well-formed but not provably from Herald (wrong signature, stale
 * timestamp); 400 when it is malformed (missing or unparsable headers, non-JSON body).
 */
function statusFor(reason: string): 400 | 401 {
  return reason === 'signature mismatch' || reason.startsWith('timestamp too') ? 401 : 400;
}

/** Shared by both middlewares: verify, or describe the rejection. Other errors propagate. */
export function verifyForMiddleware(
  options: WebhookMiddlewareOptions,
  request: { headers: HeadersLike; method?: string; url?: string; rawBody: Buffer },
): { ok: true; webhook: VerifiedWebhook } | { ok: false; rejection: RejectedWebhook } {
  try {
    const payload = verify({
      ...options,
      headers: request.headers,
      method: request.method,
      url: request.url,
      body: request.rawBody.length === 0 ? undefined : request.rawBody,
    });
    return { ok: true, webhook: { id: headerValue(request.headers, 'webhook-id'), payload, rawBody: request.rawBody } };
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    return {
      ok: false,
      rejection: { status: statusFor(err.reason), body: { error: 'webhook_verification_failed', reason: err.reason } },
    };
  }
}
