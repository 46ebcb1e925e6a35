import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommitTrapProxy, type CommitTrapProxy } from '../helpers/commit-trap-proxy.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, withPgClient, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// PostgreSQL: a claim that committed in the database but whose answer was lost with the
// connection (the claim is one statement, herald_claim_v2, committing by itself). The deliveries it leased are this process's, yet it never heard of them: without a
// re-check they would wait for their lease to run out (two endpoint timeouts plus the margin, 120 s
// here). The delivery loop re-checks its leases once the database answers again and sends them at
// once. (SQLite keeps its leases in memory, in the same process: a claim cannot commit unheard.)

warnIfNoPostgres('claims whose answer was lost after they committed');

describe.skipIf(!TEST_PG_URL)('a claim whose answer was lost after it committed (PostgreSQL)', () => {
  let schema: TestSchema;
  let proxy: CommitTrapProxy;
  let herald: TestHerald;
  let receiver: Receiver;

  beforeAll(async () => {
    schema = testSchema('claim-commit-lost');
    const pgUrl = new URL(TEST_PG_URL!);
    proxy = await startCommitTrapProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    const viaProxy = new URL(schema.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    // The default endpoint timeout (30 s) and a 60 s lease margin: a lost claim would hold its
    // deliveries for 2 × 30 s + 60 s.
    herald = await startTestHerald({ database: viaProxy.toString(), leaseMargin: 60_000 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await proxy?.close();
    await schema?.drop();
  });

  it('sends the deliveries of that claim as soon as the database answers again, not when the lease runs out', async () => {
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'Outage' })).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url });
    // Scheduled a moment ahead, so that its delivery goes through a claim (a publish hands only
    // deliveries due now straight to its own loop), and the trap can name it before that claim.
    const deliverAt = new Date(Date.now() + 1_500).toISOString();
    const msg = (await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'order.paid', data: { n: 1 }, deliverAt })).body;
    // The claim that leases this message's delivery commits, and its answer is lost.
    await proxy.loseAnswer('herald_claim', msg.id);
    const firedAt = Date.now();

    // The claim did commit: the delivery is leased far into the future under this process's token.
    const leasedUntil = await withPgClient(async (c) => {
      const { rows } = await c.query('SELECT next_attempt_at, lease_token FROM deliveries WHERE msg_id = $1', [msg.id]);
      return rows[0]?.lease_token ? Number(rows[0].next_attempt_at) : null;
    }, schema.name);
    // Null only when the re-check already released it (it runs as soon as the pool reconnects).
    if (leasedUntil !== null) expect(leasedUntil).toBeGreaterThan(firedAt + 60_000);

    const [delivered] = await receiver.waitFor(1, 15_000);
    expect(delivered!.headers['webhook-id']).toBe(msg.id);
    expect(Date.now() - firedAt).toBeLessThan(15_000);
    await eventually(async () => (await herald.api('GET', `/api/v1/apps/${app.id}/messages/${msg.id}/attempts`)).body.data.length === 1);
    expect(receiver.requests).toHaveLength(1);
  }, 60_000);
});
