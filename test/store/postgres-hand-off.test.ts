import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { HandOff } from '../../src/store/hand-off.js';
import type { ClaimedDelivery, PublishInput, Store } from '../../src/store/store.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, T } from './store-fixtures.js';

warnIfNoPostgres('PostgreSQL publish hand-off (test/store/postgres-hand-off.test.ts)');

// What only a shared database has to get right when a publish hands its deliveries to the local
// loop (publish-hand-off.ts): the per-endpoint limit counts the other processes' leases, and an
// endpoint whose gate another process holds is left to the claims, without waiting for it.

function loopHandOff(perEndpointLimit: number): HandOff & { given: ClaimedDelivery[] } {
  const given: ClaimedDelivery[] = [];
  return { leaseToken: 'token-loop', leaseMarginMs: 500, perEndpointLimit, given, reserve: () => true, deliver: (c) => void given.push(...c) };
}

describe.skipIf(!TEST_PG_URL)('PostgreSQL publish hand-off across processes', () => {
  let schema: TestSchema;
  let store: Store;
  let other: Store;
  let failed = true;
  beforeEach(async () => {
    failed = true;
    schema = testSchema('hand_off');
    store = await openStore(schema.url);
    other = await openStore(schema.url);
  });
  afterEach(async () => {
    await Promise.all([store.close(), other.close()]);
    await schema.drop(failed);
  });

  const input = (appId: string): PublishInput => ({ message: makeMessage(appId), idempotencySince: T - 86_400_000, now: T });

  it("counts another process's live leases against the endpoint's limit", async () => {
    const app = await store.createApp(makeApp());
    const ep = await store.createEndpoint(makeEndpoint(app.id));
    // Another process holds two leases on the endpoint.
    await other.publishMany([input(app.id), input(app.id)]);
    expect(await other.claimDue(claimRequest({ leaseToken: 'token-other' }))).toHaveLength(2);

    const handOff = loopHandOff(3);
    await store.publishMany([input(app.id), input(app.id), input(app.id)], handOff);
    expect(handOff.given.map((c) => c.endpoint.id)).toEqual([ep.id]);
    // The two left over are due for the claims, which count the same leases.
    expect(await store.claimDue(claimRequest({ leaseToken: 'token-b', perEndpointLimit: 3 }))).toHaveLength(0);
    expect(await store.claimDue(claimRequest({ leaseToken: 'token-b', perEndpointLimit: 5 }))).toHaveLength(2);
    failed = false;
  });

  it('leaves the deliveries to the claims while another process holds the gate, without waiting for it', async () => {
    const app = await store.createApp(makeApp());
    const ep = await store.createEndpoint(makeEndpoint(app.id));
    const holder = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema.name}` });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT endpoint_id FROM endpoint_gates WHERE endpoint_id = $1 FOR UPDATE', [ep.id]);
      const handOff = loopHandOff(64);
      const [result] = await store.publishMany([input(app.id)], handOff);
      expect(handOff.given).toEqual([]);
      expect(result!.deliveryCount).toBe(1);
      await holder.query('ROLLBACK');
      const [claimed] = await store.claimDue(claimRequest({ leaseToken: 'token-b' }));
      expect(claimed!.message.id).toBe(result!.message.id);
    } finally {
      await holder.end();
    }
    failed = false;
  });
});
