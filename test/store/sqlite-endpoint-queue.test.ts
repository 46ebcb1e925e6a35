import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, T } from './store-fixtures.js';

// With SQLite the delivery loop leases an endpoint a second round beyond its concurrency, which
// waits in the deliverer for a slot (delivery/endpoint-slots.ts). A rate-limited endpoint gets no
// second round: its tokens pace the claims, and a round queued behind a slow spell would go out at once.

describe('SQLite claims with a second round per endpoint', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-endpoint-queue-'));
    store = await openStore(join(dir, 'herald.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the second round to an endpoint without a rate limit, and not to a rate-limited one', async () => {
    const app = await store.createApp(makeApp());
    const plain = await store.createEndpoint(makeEndpoint(app.id));
    // Tokens to spare: only the concurrency can hold it back.
    const limited = await store.createEndpoint(makeEndpoint(app.id, { rateLimit: 1000 }));
    await store.publishMany(Array.from({ length: 10 }, () => ({ message: makeMessage(app.id), idempotencySince: T, now: T })));
    const claimed = await store.claimDue(claimRequest({ perEndpointLimit: 4, perEndpointQueue: 2 }));
    const on = (id: string) => claimed.filter((c) => c.endpoint.id === id).length;
    expect([on(plain.id), on(limited.id)]).toEqual([4, 2]);
  });
});
