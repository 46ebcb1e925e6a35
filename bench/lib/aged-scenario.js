// Scenario `aged`: the single-publish e2e rate on a database already holding `attempts` old
// attempts (10 million by default) that the retention purger works through meanwhile, against the
// same scenario on an empty database, measured one after the other in each run. The aged database
// is filled once (first run) and reused by every run; its rows outlive Herald's restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, makeApp } from './api.js';
import { prefillPostgres, prefillSqlite, purgedRows } from './aged-prefill.js';
import { dropSchema } from './pg-schema.js';
import { sleep, startHerald } from './processes.js';
import { heraldSingle } from './shapes.js';

export function agedScenario({ receiver, token, database, attempts, log }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-aged-'));
  let location = join(dataDir, 'herald.db');
  if (database) {
    const url = new URL(database);
    url.searchParams.set('schema', `bench_aged_${Date.now()}`);
    location = url.toString();
  }
  const run = async (fn) => {
    const herald = await startHerald({ dataDir, database: database ? location : undefined, token });
    try {
      return await fn({ ...herald, token });
    } finally {
      await herald.stop();
    }
  };
  let app = null;

  /** One real delivery through Herald gives the rows to copy; then the copies, through SQL. */
  async function prepare() {
    const t0 = Date.now();
    app = await run(async (herald) => {
      const api = apiClient(herald.url, token, 1);
      const made = await makeApp(api, 'aged', [`${receiver.url}/aged`]);
      await receiver.reset();
      await api.call('POST', `/api/v1/apps/${made.id}/messages`, { eventType: 'bench.event', data: { n: 0, t: Date.now() } });
      while ((await receiver.stats()).count < 1) await sleep(20);
      await api.close();
      return made;
    }); // stopping Herald settles the delivery and records its attempt
    if (database) await prefillPostgres(location, attempts, log);
    else await prefillSqlite(location, attempts, log);
    return Math.round((Date.now() - t0) / 1000);
  }

  return {
    async measure({ withHerald, seconds }) {
      const prefillSeconds = app ? undefined : await prepare();
      const empty = await withHerald((h) => heraldSingle({ herald: h, receiver, seconds }));
      const aged = await run((h) => heraldSingle({ herald: h, receiver, seconds, app }));
      const purged = await purgedRows(location);
      return {
        attempts, prefillSeconds, purgedSoFar: purged, empty, aged,
        ratio: empty.deliveriesPerSec ? Math.round((aged.deliveriesPerSec / empty.deliveriesPerSec) * 100) / 100 : null,
      };
    },
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (database) await dropSchema(location);
    },
  };
}
