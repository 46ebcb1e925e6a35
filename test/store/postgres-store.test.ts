import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient } from '../helpers/pg.js';
import { defineStoreContract, makeApp, makeEndpoint, makeMessage } from './store-contract.js';

warnIfNoPostgres('PostgreSQL store contract (test/store/postgres-store.test.ts)');

describe.skipIf(!TEST_PG_URL)('PostgreSQL store', () => {
  // Every test gets its own schema: created by the store's migrations, dropped afterwards,
  // kept when the test failed.
  defineStoreContract('PostgreSQL', async () => {
    const schema = testSchema('contract');
    const store = await openStore(schema.url);
    const others: Store[] = [];
    return {
      store,
      async openAnother(options) {
        const other = await openStore(schema.url, options);
        others.push(other);
        return other;
      },
      async dispose(failed) {
        for (const s of [store, ...others]) await s.close().catch(() => undefined);
        await schema.drop(failed);
      },
    };
  });

  describe('PostgreSQL specifics', () => {
    it('wakes other processes with a NOTIFY when work is committed', async () => {
      const schema = testSchema('notify');
      const publisher = await openStore(schema.url);
      const worker = await openStore(schema.url);
      const elsewhere = testSchema('notify_other');
      const unrelated = await openStore(elsewhere.url);
      try {
        let woken = 0;
        let wokenElsewhere = 0;
        const stop = worker.onWork!(() => woken++);
        unrelated.onWork!(() => wokenElsewhere++);
        // Subscribing looks once (work may predate the LISTEN); count from here.
        await waitUntil(() => woken > 0 && wokenElsewhere > 0);
        woken = 0;
        wokenElsewhere = 0;

        const app = await publisher.createApp(makeApp());
        await publisher.createEndpoint(makeEndpoint(app.id));
        const now = Date.now();
        await publisher.publish({ message: makeMessage(app.id), idempotencySince: now - 1000, now });
        await waitUntil(() => woken > 0);
        expect(wokenElsewhere).toBe(0);
        stop();
      } finally {
        await Promise.all([publisher.close(), worker.close(), unrelated.close()]);
        await schema.drop();
        await elsewhere.drop();
      }
    });

    it('keeps each endpoint gate (claim lock and rate bucket) with its endpoint', async () => {
      const schema = testSchema('gates');
      const store = await openStore(schema.url);
      try {
        const app = await store.createApp(makeApp());
        const ep = await store.createEndpoint(makeEndpoint(app.id));
        const gates = () => withPgClient((c) => c.query('SELECT endpoint_id FROM endpoint_gates'), schema.name);
        expect((await gates()).rows).toEqual([{ endpoint_id: ep.id }]);
        await store.deleteEndpoint(app.id, ep.id);
        expect((await gates()).rows).toEqual([]);
      } finally {
        await store.close();
        await schema.drop();
      }
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      const url = new URL(TEST_PG_URL!);
      url.searchParams.set('schema', `x"; DROP TABLE y; --${newId('app')}`);
      await expect(openStore(url.toString())).rejects.toThrow(/schema must be a lower-case identifier/);
    });
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
