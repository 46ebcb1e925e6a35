import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { eventually, startTestHerald } from '../helpers/test-herald.js';
import { startCluster, type Cluster, type HeraldProcess } from './scale-out-processes.js';

// One process for background work (retention, the failure-streak sweep, recovery tasks). On
// PostgreSQL the delivering processes elect it with an advisory lock: real `herald worker`
// processes, one SIGKILLed while it leads; another takes over and does the work. Each process says
// whether it leads in /metrics (herald_background_leader), which is what an operator would check.

async function leads(p: HeraldProcess): Promise<0 | 1 | null> {
  const text = await fetch(`${p.url}/metrics`).then((r) => r.text(), () => null);
  const m = text && /^herald_background_leader (\d)/m.exec(text);
  return m ? (Number(m[1]) as 0 | 1) : null;
}

describe('background work on SQLite', () => {
  it('is run by the one process', async () => {
    const herald = await startTestHerald();
    try {
      expect(herald.operations.leading).toBe(true);
      const text = await (await fetch(`${herald.url}/metrics`)).text();
      expect(text).toMatch(/^herald_background_leader 1$/m);
    } finally {
      await herald.stop();
    }
  });
});

warnIfNoPostgres('background-work leader failover');

describe.skipIf(!TEST_PG_URL)('background work on PostgreSQL: one leader, failover when it dies', () => {
  let schema: TestSchema;
  let cluster: Cluster;
  let gone: Receiver;
  let failing: Receiver;

  beforeAll(async () => {
    schema = testSchema('leader');
    // A retry an hour away: only the failure-streak sweep can disable a failing endpoint in time.
    cluster = await startCluster(schema.url, 2, ['--retry-schedule', '1h', '--endpoint-failure-period', '2s']);
    // Answers 410 Gone once (the delivery fails for good), then 200.
    gone = await startReceiver((_req, i) => ({ status: i === 0 ? 410 : 200 }));
    failing = await startReceiver(() => ({ status: 503 }));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await gone?.close();
    await failing?.close();
    await schema?.drop();
  });

  async function leaderNow(workers: HeraldProcess[]): Promise<HeraldProcess> {
    return eventually(async () => {
      const states = await Promise.all(workers.map(leads));
      const leaders = workers.filter((_, i) => states[i] === 1);
      // Never two at once; and exactly one once the election settled.
      expect(leaders.length).toBeLessThanOrEqual(1);
      return leaders.length === 1 && states.every((s) => s !== null) ? leaders[0] : null;
    }, 20_000, 100);
  }

  it('runs the sweep on the leader, and after a SIGKILL of the leader, on another process', async () => {
    const first = await leaderNow(cluster.workers);
    const app = (await cluster.call('POST', '/api/v1/apps', { name: 'Leader' })).body;
    const sweptBefore = (await cluster.call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: failing.url, eventTypes: ['a.before'] })).body;
    expect((await cluster.call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.before', data: {} })).status).toBe(202);
    await failing.waitFor(1, 20_000);
    // Failing for the whole 2 s period with its retry an hour away: disabled by the leader's sweep.
    await eventually(async () => (await cluster.call('GET', `/api/v1/apps/${app.id}/endpoints/${sweptBefore.id}`)).body.disabled === true, 20_000, 100);

    // The 410 endpoint: its delivery fails for good, to be recovered after the failover.
    const recoverable = (await cluster.call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: gone.url, eventTypes: ['b.gone'] })).body;
    expect((await cluster.call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'b.gone', data: { n: 1 } })).status).toBe(202);
    await gone.waitFor(1, 20_000);
    // Settled (by whichever worker sent it) before the kill: 410 disables the endpoint.
    await eventually(async () => (await cluster.call('GET', `/api/v1/apps/${app.id}/endpoints/${recoverable.id}`)).body.disabled === true, 20_000, 100);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const survivors = cluster.workers.filter((w) => w !== first);
    const second = await leaderNow(survivors);
    expect(second).not.toBe(first);

    // A recovery task, stored by the API process, is run by the new leader.
    expect((await cluster.call('PATCH', `/api/v1/apps/${app.id}/endpoints/${recoverable.id}`, { disabled: false })).status).toBe(200);
    const since = new Date(Date.now() - 3600_000).toISOString();
    const started = await cluster.call('POST', `/api/v1/apps/${app.id}/endpoints/${recoverable.id}/recover`, { since });
    expect(started.status).toBe(202);
    const taskId = started.body.id;
    await eventually(async () => (await cluster.call('GET', `/api/v1/apps/${app.id}/tasks/${taskId}`)).body.status === 'finished', 20_000, 100);
    expect((await cluster.call('GET', `/api/v1/apps/${app.id}/tasks/${taskId}`)).body).toMatchObject({ done: 1, total: 1 });
    const [, resent] = await gone.waitFor(2, 20_000);
    expect(JSON.parse(resent!.body).data).toEqual({ n: 1 });

    // And the sweep goes on under the new leader.
    const sweptAfter = (await cluster.call('POST', `/api/v1/apps/${app.id}/endpoints`, { url: failing.url, eventTypes: ['c.after'] })).body;
    expect((await cluster.call('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'c.after', data: {} })).status).toBe(202);
    await eventually(async () => (await cluster.call('GET', `/api/v1/apps/${app.id}/endpoints/${sweptAfter.id}`)).body.disabled === true, 20_000, 100);
    expect(await leads(second)).toBe(1);
  }, 120_000);
});

describe.skipIf(!TEST_PG_URL)('background work on PostgreSQL: a leader cut off from the database', () => {
  it('stops leading at once; another Herald takes over, and the first leads again only once the lock is free', async () => {
    const schema = testSchema('leader-cut');
    const pgUrl = new URL(TEST_PG_URL!);
    const proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    const viaProxy = new URL(schema.url);
    viaProxy.port = String(proxy.port);
    const first = await startTestHerald({ database: viaProxy.toString() });
    // Same data folder: the two share the database's encryption key.
    const second = await startTestHerald({ database: schema.url, dataDir: first.dataDir });
    try {
      expect(first.operations.leading).toBe(true);
      expect(second.operations.leading).toBe(false);

      proxy.cut();
      await eventually(() => !first.operations.leading, 10_000, 50);
      await eventually(() => second.operations.leading, 10_000, 50);
      proxy.restore();
      // Back in touch, the first finds the lock taken, and stays a follower.
      await new Promise((r) => setTimeout(r, 2500));
      expect(first.operations.leading).toBe(false);
      expect(second.operations.leading).toBe(true);

      // A leader that stops gracefully frees the lock: the first takes over.
      await second.stop();
      await eventually(() => first.operations.leading, 10_000, 50);
    } finally {
      await second.stop();
      await first.stop();
      await proxy.close();
      await schema.drop();
    }
  }, 60_000);
});
