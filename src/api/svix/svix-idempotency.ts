import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-errors.js';
import { IdempotencyKeys } from '../../services/idempotency-keys.js';
import type { HeldIdempotencyKey } from '../../store/idempotency.js';
import type { Store } from '../../store/store.js';

// `idempotency-key` on POSTs, as Svix serves it: a retried POST with the same key gets the first
// answer again (status, body, `idempotent-replayed: true`) instead of acting twice. Svix's SDKs send
// a key on every POST (auto_<uuid>) and retry 5xx answers with it, so this is what makes their
// retries safe. Keys live in the store (services/idempotency-keys.ts), so a retry that reaches
// another Herald process sharing it is answered the same; they are kept for 24 hours.

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request claimed; `settled` once its answer was kept or the claim given up. */
    svixIdempotency: { held: HeldIdempotencyKey; settled: boolean } | null;
  }
}

export function installSvixIdempotency(scope: FastifyInstance, store: Store): void {
  const keys = new IdempotencyKeys(store);
  scope.decorateRequest('svixIdempotency', null);

  // After auth and validation (preValidation): a caller replays only what it may call, and a body
  // the schema refuses is answered 422 before it can hold a key.
  scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof header !== 'string' || header === '') return;
    if (header.length > 256) throw new ApiError('validation_error', 'the idempotency-key header is longer than 256 characters');
    const owner = scopeOf(request);
    if (owner === null) return;
    const outcome = await keys.begin({ scope: owner, key: header, method: request.method, url: request.url, body: request.body });
    switch (outcome.kind) {
      case 'run':
        request.svixIdempotency = { held: outcome.held, settled: false };
        return;
      case 'replay': {
        void reply.header('idempotent-replayed', 'true');
        if (outcome.answer.contentType) void reply.header('content-type', outcome.answer.contentType);
        return reply.status(outcome.answer.status).send(outcome.answer.body);
      }
      case 'other-request':
        throw new ApiError('conflict', `idempotency-key "${header}" was already used for a different request (method, path or body); use a new key for a new request`);
      case 'in-progress':
        throw new ApiError('conflict', `a request with this key is in progress (idempotency-key "${header}"); retry once it has been answered`);
    }
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    const claim = request.svixIdempotency;
    if (!claim || claim.settled) return payload;
    claim.settled = true;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : null;
    try {
      // A server error is not an answer to keep: the retry should run the request again. A streamed
      // body cannot be kept either (no Svix route answers one).
      if (reply.statusCode < 500 && body !== null) {
        const contentType = (reply.getHeader('content-type') as string | undefined) ?? null;
        if (await keys.finish(claim.held, { status: reply.statusCode, body, contentType })) return payload;
      }
      await keys.release(claim.held);
    } catch (err) {
      // The answer goes out regardless; an unanswered claim is taken over once abandoned.
      request.log.warn({ err }, 'could not keep the answer of an idempotency-key');
    }
    return payload;
  });

  // No answer was sent (the connection went away first): give the key up so a retry runs.
  scope.addHook('onResponse', async (request) => {
    const claim = request.svixIdempotency;
    if (!claim || claim.settled) return;
    claim.settled = true;
    await keys.release(claim.held).catch((err: unknown) => request.log.warn({ err }, 'could not release an idempotency-key'));
  });
}

/**
 * Whose keys these are: an app's tokens and portal links share the app's keys; the admin token and
 * named operator tokens share the admin side's. One app's key never replays another app's answer.
 */
function scopeOf(request: FastifyRequest): string | null {
  const p = request.principal;
  if (!p) return null;
  return p.kind === 'admin' ? 'admin' : `app:${p.appId}`;
}
