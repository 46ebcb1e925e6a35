import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-errors.js';

// `idempotency-key` on POSTs, as Svix serves it: a retried POST with the same key gets the first
// answer again (status and body) instead of acting twice. Svix's SDKs send a key on every POST
// (auto_<uuid>) and retry 5xx answers with it, so this is what makes their retries safe.
//
// The answers are kept in this process's memory for KEEP_MS, at most MAX_KEYS of them: enough
// for client retries, which come within seconds. Publishing is also idempotent in the store (a
// message's idempotency key, on both stores, across processes); other POSTs (create app, create
// endpoint …) are idempotent only within one Herald process. docs/svix-compatibility.md says so.

const KEEP_MS = 24 * 3600_000;
const MAX_KEYS = 10_000;

interface Answer {
  status: number;
  body: unknown;
  contentType: string | undefined;
}

interface Entry {
  requestHash: string;
  at: number;
  answer: Answer | null;
  /** Settles when the first request's answer is sent (or it failed and nothing was kept). */
  settled: Promise<void>;
  settle: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    svixIdempotency: { key: string; entry: Entry } | null;
  }
}

export function installSvixIdempotency(scope: FastifyInstance): void {
  const entries = new Map<string, Entry>();
  scope.decorateRequest('svixIdempotency', null);

  scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof header !== 'string' || header === '') return;
    if (header.length > 256) throw new ApiError('validation_error', 'the idempotency-key header is longer than 256 characters');
    const key = `${callerKey(request)} ${request.url} ${header}`;
    const requestHash = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex');
    forgetOld(entries);
    let entry = entries.get(key);
    if (entry && !entry.answer) {
      await entry.settled;
      entry = entries.get(key);
    }
    if (entry?.answer) {
      if (entry.requestHash !== requestHash) {
        throw new ApiError('conflict', `idempotency-key "${header}" was already used for a different request body to ${request.url}; use a new key for a new request`);
      }
      void reply.header('idempotent-replayed', 'true');
      if (entry.answer.contentType) void reply.header('content-type', entry.answer.contentType);
      return reply.status(entry.answer.status).send(entry.answer.body);
    }
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const fresh: Entry = { requestHash, at: Date.now(), answer: null, settled, settle };
    entries.set(key, fresh);
    request.svixIdempotency = { key, entry: fresh };
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    const held = request.svixIdempotency;
    if (!held || reply.getHeader('idempotent-replayed')) return payload;
    // A server error is not an answer to keep: the retry should run the request again.
    if (reply.statusCode < 500) {
      held.entry.answer = { status: reply.statusCode, body: payload, contentType: reply.getHeader('content-type') as string | undefined };
    } else {
      entries.delete(held.key);
    }
    return payload;
  });

  scope.addHook('onResponse', async (request) => {
    const held = request.svixIdempotency;
    if (!held) return;
    if (!held.entry.answer && entries.get(held.key) === held.entry) entries.delete(held.key);
    held.entry.settle();
  });
}

/** Keys are the caller's own: one token's key never replays another token's answer. */
function callerKey(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  if (p.kind === 'admin') return p.token ? `operator:${p.token.id}` : 'admin';
  return `token:${p.tokenId}`;
}

function forgetOld(entries: Map<string, Entry>): void {
  const cutoff = Date.now() - KEEP_MS;
  // Map order is insertion order: the oldest come first.
  for (const [key, entry] of entries) {
    if (entries.size <= MAX_KEYS && entry.at >= cutoff) break;
    if (entry.answer) entries.delete(key);
    else if (entries.size <= MAX_KEYS) break;
  }
}
