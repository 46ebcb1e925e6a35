// npm run bench [-- --json] [--runs 3] [--seconds 10] [--database postgres://…] [--only e2e,ingest]
// Starts Herald as its own process (one fresh instance per scenario), a receiver in another
// process, and publishes from this one. Prints one table (or JSON with --json).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './lib/api.js';
import { dropSchema } from './lib/pg-schema.js';
import { startReceiver } from './lib/processes.js';
import * as scenarios from './lib/scenarios.js';
import { fanoutFilter } from './lib/filter-scenario.js';
import { deliveryTransform } from './lib/transform-scenario.js';
import { peerComparison, storeComparison } from './lib/peer-scenario.js';
import { agedScenario } from './lib/aged-scenario.js';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    database: { type: 'string' },
    only: { type: 'string' },
    'backlog-size': { type: 'string', default: '1000000' },
    // The peer (scenario `peer`), PostgreSQL for the side-by-side `stores` scenario, `aged`'s size.
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'pg-url': { type: 'string', default: process.env.HERALD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'aged-attempts': { type: 'string', default: '10000000' },
  },
});
const runs = Number(opts.runs);
const seconds = Number(opts.seconds);
const only = opts.only ? new Set(opts.only.split(',')) : null;
const wanted = (name) => !only || only.has(name);
const log = (...a) => (opts.json ? process.stderr.write(a.join(' ') + '\n') : console.log(...a));

const TOKEN = 'bench-admin-token';

/**
 * A fresh Herald for one scenario: its own data folder, or its own PostgreSQL schema.
 * `store`: a postgres:// URL, or null for SQLite; by default the store --database names.
 */
async function withHerald(fn, extraArgs = [], store = opts.database) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  let database;
  if (store) {
    const url = new URL(store);
    url.searchParams.set('schema', `bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`);
    database = url.toString();
  }
  const herald = await scenarios.startHerald({ dataDir, database, token: TOKEN, extraArgs });
  try {
    return await fn({ ...herald, token: TOKEN });
  } finally {
    await herald.stop();
    rmSync(dataDir, { recursive: true, force: true });
    // Each scenario's rows would otherwise stay behind, and PostgreSQL's autovacuum and
    // checkpoints working through them slowed every later scenario (run 3 read 7 times run 1).
    if (database) await dropSchema(database);
  }
}

const receiver = await startReceiver();
const results = [];
const aged = wanted('aged') ? agedScenario({ receiver, token: TOKEN, database: opts.database, attempts: Number(opts['aged-attempts']), log }) : null;
try {
  for (let run = 1; run <= runs; run++) {
    const r = {};
    log(`run ${run}/${runs}`);
    if (wanted('ceiling')) r.ceiling = await scenarios.ceiling({ receiver, seconds: Math.min(seconds, 5) });
    if (wanted('e2e')) r.e2e = await withHerald((herald) => scenarios.e2e({ herald, receiver, seconds }));
    if (wanted('ingest')) r.ingest = await withHerald((herald) => scenarios.ingest({ herald, receiver, seconds: Math.min(seconds, 5) }), ['--no-dispatcher']);
    if (wanted('latency')) r.latency = await withHerald((herald) => scenarios.latency({ herald, receiver, seconds }));
    if (wanted('fanout')) r.fanout = await withHerald((herald) => scenarios.fanout({ herald, receiver }));
    if (wanted('fanout-filter')) r.fanoutFilter = await withHerald((herald) => fanoutFilter({ herald, receiver, seconds }), ['--no-dispatcher']);
    if (wanted('delivery-transform')) r.deliveryTransform = await withHerald((herald) => deliveryTransform({ herald, receiver }));
    if (wanted('isolation')) r.isolation = await withHerald((herald) => scenarios.isolation({ herald, receiver, seconds: Math.min(seconds, 6) }));
    if (wanted('peer')) r.peer = await peerComparison({ withHerald, receiver, seconds, redis: opts.redis, log });
    if (wanted('stores')) r.stores = await storeComparison({ withHerald, receiver, seconds, pgUrl: opts['pg-url'] }).catch((err) => ({ skipped: err.message }));
    if (aged) r.aged = await aged.measure({ withHerald, seconds });
    if (wanted('backlog') && run === 1) {
      // Once: filling a million rows takes a while and its peak memory barely varies.
      r.backlog = await withHerald((herald) => scenarios.backlog({ herald, receiver, total: Number(opts['backlog-size']) }));
    }
    log(JSON.stringify(r));
    results.push(r);
  }
} finally {
  receiver.stop();
  await aged?.cleanup();
}

const pick = (path) => median(results.map((r) => path.split('.').reduce((o, k) => o?.[k], r)));
const summary = {
  machine: { cores: cpus().length, node: process.version, store: opts.database ? 'postgresql' : 'sqlite' },
  runs,
  ceiling: { deliveriesPerSec: pick('ceiling.deliveriesPerSec') },
  e2e: { deliveriesPerSec: pick('e2e.deliveriesPerSec'), heraldCpuUsPerDelivery: pick('e2e.heraldCpuUsPerDelivery') },
  ingest: { singlePerSec: pick('ingest.singlePerSec'), batchPerSec: pick('ingest.batchPerSec') },
  latency: { p50: pick('latency.p50'), p95: pick('latency.p95'), p99: pick('latency.p99') },
  fanout: { deliveriesPerSec: pick('fanout.deliveriesPerSec') },
  fanoutFilter: {
    ratio: pick('fanoutFilter.ratio'), with: pick('fanoutFilter.with'), without: pick('fanoutFilter.without'),
    cpuUsWith: pick('fanoutFilter.cpuUsPerMessageWith'), cpuUsWithout: pick('fanoutFilter.cpuUsPerMessageWithout'),
  },
  deliveryTransform: {
    ratio: pick('deliveryTransform.ratio'), with: pick('deliveryTransform.with'), without: pick('deliveryTransform.without'),
    cpuRatio: pick('deliveryTransform.cpuRatio'), cpuUsWith: pick('deliveryTransform.cpuUsWith'), cpuUsWithout: pick('deliveryTransform.cpuUsWithout'),
  },
  backlog: { peakRssMb: pick('backlog.peakRssMb'), pending: pick('backlog.pending') },
  isolation: { ratio: pick('isolation.ratio'), with: pick('isolation.with'), without: pick('isolation.without') },
  peer: {
    heraldSingle: pick('peer.herald.single.deliveriesPerSec'), peerSingle: pick('peer.peer.single.deliveriesPerSec'), singleRatio: pick('peer.singleRatio'),
    heraldBatch: pick('peer.herald.batch.deliveriesPerSec'), peerBatch: pick('peer.peer.batch.deliveriesPerSec'), batchRatio: pick('peer.batchRatio'),
    heraldCpuUs: pick('peer.herald.single.cpuUsPerDelivery'), peerCpuUs: pick('peer.peer.single.cpuUsPerDelivery'),
    peerWithRedisCpuUs: pick('peer.peer.single.totalCpuUsPerDelivery'),
    skipped: results.find((r) => r.peer?.skipped)?.peer.skipped,
  },
  stores: {
    sqlite: pick('stores.sqlite.deliveriesPerSec'), postgres: pick('stores.postgres.deliveriesPerSec'), ratio: pick('stores.ratio'),
    sqliteCpuUs: pick('stores.sqlite.cpuUsPerDelivery'), postgresCpuUs: pick('stores.postgres.cpuUsPerDelivery'),
  },
  aged: { attempts: results[0]?.aged?.attempts, empty: pick('aged.empty.deliveriesPerSec'), aged: pick('aged.aged.deliveriesPerSec'), ratio: pick('aged.ratio') },
  raw: results,
};
// Issue #21's target on the ceiling: Herald's single publishes over the ceiling of the same run, median.
summary.peer.heraldSingleToCeiling = median(
  results.map((r) => (r.peer?.herald && r.ceiling ? Math.round((r.peer.herald.single.deliveriesPerSec / r.ceiling.deliveriesPerSec) * 100) / 100 : null)),
);
if (summary.e2e.deliveriesPerSec && summary.ceiling.deliveriesPerSec) {
  summary.e2e.ratioToCeiling = Math.round((summary.e2e.deliveriesPerSec / summary.ceiling.deliveriesPerSec) * 100) / 100;
}

if (opts.json) {
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
} else {
  const rows = [
    ['ceiling', 'bare undici → receiver', `${summary.ceiling.deliveriesPerSec ?? '-'} deliveries/s`],
    ['e2e', 'published → delivered, sustained', `${summary.e2e.deliveriesPerSec ?? '-'} deliveries/s (${summary.e2e.ratioToCeiling ?? '-'} of ceiling)`],
    ['', 'Herald CPU time per delivery', `${summary.e2e.heraldCpuUsPerDelivery ?? '-'} µs`],
    ['ingest', 'POST …/messages, 64 clients', `${summary.ingest.singlePerSec ?? '-'} messages/s`],
    ['ingest', 'POST …/messages/batch (1,000)', `${summary.ingest.batchPerSec ?? '-'} messages/s`],
    ['latency', 'publish → receipt at 1,000/s', `p50 ${summary.latency.p50 ?? '-'} ms, p95 ${summary.latency.p95 ?? '-'} ms, p99 ${summary.latency.p99 ?? '-'} ms`],
    ['fanout', '1 message → 100 endpoints', `${summary.fanout.deliveriesPerSec ?? '-'} deliveries/s`],
    ['fanout-filter', 'publish → 20 endpoints, CEL filter', `${summary.fanoutFilter.ratio ?? '-'} of no filter (${summary.fanoutFilter.with ?? '-'} vs ${summary.fanoutFilter.without ?? '-'} messages/s)`],
    ['', 'Herald CPU per message, filter vs none', `${summary.fanoutFilter.cpuUsWith ?? '-'} vs ${summary.fanoutFilter.cpuUsWithout ?? '-'} µs`],
    ['transform', 'deliver → 10 endpoints, transformation', `${summary.deliveryTransform.ratio ?? '-'} of none (${summary.deliveryTransform.with ?? '-'} vs ${summary.deliveryTransform.without ?? '-'} deliveries/s)`],
    ['', 'Herald CPU per delivery, with vs none', `${summary.deliveryTransform.cpuUsWith ?? '-'} vs ${summary.deliveryTransform.cpuUsWithout ?? '-'} µs (×${summary.deliveryTransform.cpuRatio ?? '-'})`],
    ['backlog', `${summary.backlog.pending ?? '-'} pending deliveries`, `peak RSS ${summary.backlog.peakRssMb ?? '-'} MB`],
    ['peer', 'single publishes, 64 publishers', `Herald ${summary.peer.heraldSingle ?? '-'} vs BullMQ peer ${summary.peer.peerSingle ?? '-'} deliveries/s (×${summary.peer.singleRatio ?? '-'})`],
    ['', 'batches of 500, 4 at a time', `Herald ${summary.peer.heraldBatch ?? '-'} vs BullMQ addBulk ${summary.peer.peerBatch ?? '-'} deliveries/s (×${summary.peer.batchRatio ?? '-'})`],
    ['', 'single: of ceiling; CPU per delivery', `${summary.peer.heraldSingleToCeiling ?? '-'} of ceiling; Herald ${summary.peer.heraldCpuUs ?? '-'} µs, peer ${summary.peer.peerCpuUs ?? '-'} µs (+ Redis: ${summary.peer.peerWithRedisCpuUs ?? '-'})`],
    ['stores', 'single publishes, PostgreSQL vs SQLite', `×${summary.stores.ratio ?? '-'} (${summary.stores.postgres ?? '-'} vs ${summary.stores.sqlite ?? '-'} deliveries/s)`],
    ['', 'Herald CPU per delivery, PG vs SQLite', `${summary.stores.postgresCpuUs ?? '-'} vs ${summary.stores.sqliteCpuUs ?? '-'} µs`],
    ['aged', `single publishes, ${summary.aged.attempts ?? '-'} old attempts`, `×${summary.aged.ratio ?? '-'} of empty (${summary.aged.aged ?? '-'} vs ${summary.aged.empty ?? '-'} deliveries/s)`],
    ['isolation', 'healthy rate with a stalled endpoint', `${summary.isolation.ratio ?? '-'} (${summary.isolation.with ?? '-'} vs ${summary.isolation.without ?? '-'} /s)`],
  ];
  console.log(`\nHerald benchmark — ${summary.machine.store}, ${summary.machine.cores} cores, Node ${summary.machine.node}, median of ${runs} run(s)\n`);
  for (const [name, what, figure] of rows) console.log(`  ${name.padEnd(10)} ${what.padEnd(38)} ${figure}`);
  console.log('');
}
