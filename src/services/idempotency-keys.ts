import { createHash } from 'node:crypto';
import type { HeldIdempotencyKey, IdempotentAnswer } from '../store/idempotency.js';
import type { Store } from '../store/store.js';

// Idempotency keys kept in the store (Svix's idempotency-key on POSTs, src/api/svix/svix-idempotency.ts),
// so a retry reaching another Herald process behind a load balancer is answered, not acted on again.

/** Keys are kept this long (as Svix and Stripe keep them), then expire and may be used afresh. */
export const IDEMPOTENCY_KEY_KEEP_MS = 24 * 3600_000;
/**
 * A claim unanswered for this long was left by a process that died mid-request: another request with
 * the key may take it over. Far longer than any request Herald serves.
 */
const ABANDONED_AFTER_MS = 5 * 60_000;
/** How long a request waits for another one holding its key to answer, before answering 409. */
const WAIT_FOR_HOLDER_MS = 5000;

export interface IdempotentRequest {
  scope: string;
  key: string;
  method: string;
  /** Path and query string. */
  url: string;
  body: unknown;
}

export type IdempotencyOutcome =
  /** This request runs; finish() or release() the claim once answered. */
  | { kind: 'run'; held: HeldIdempotencyKey }
  /** Answer this again: the first request with the key was answered so. */
  | { kind: 'replay'; answer: IdempotentAnswer }
  | { kind: 'other-request' }
  /** Another request with the key is still running after the wait. */
  | { kind: 'in-progress' };

export class IdempotencyKeys {
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  async begin(request: IdempotentRequest): Promise<IdempotencyOutcome> {
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const deadline = this.now() + WAIT_FOR_HOLDER_MS;
    let pauseMs = 10;
    for (;;) {
      const now = this.now();
      const result = await this.store.claimIdempotencyKey({
        scope: request.scope, key: request.key, requestHash, now: iso(now),
        expiredBefore: iso(now - IDEMPOTENCY_KEY_KEEP_MS), abandonedBefore: iso(now - ABANDONED_AFTER_MS),
      });
      if (result.kind === 'claimed') return { kind: 'run', held: result.held };
      if (result.requestHash !== requestHash) return { kind: 'other-request' };
      if (result.kind === 'answered') return { kind: 'replay', answer: result.answer };
      // Another request with this key runs now, here or in another process: wait for its answer.
      if (this.now() >= deadline) return { kind: 'in-progress' };
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 200);
    }
  }

  finish(held: HeldIdempotencyKey, answer: IdempotentAnswer): Promise<boolean> {
    return this.store.finishIdempotencyKey(held, answer);
  }

  release(held: HeldIdempotencyKey): Promise<void> {
    return this.store.releaseIdempotencyKey(held);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
