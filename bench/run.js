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

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    database: { type: 'string' },
    only: { type: 'string' },
    'backlog-size': { type: 'string', default: '1000000' },
  },
});
const runs = Number(opts.runs);
const seconds = Number(opts.seconds);
const only = opts.only ? new Set(opts.only.split(',')) : null;
const wanted = (name) => !only || only.has(name);
const log = (...a) => (opts.json ? process.stderr.write(a.join(' ') + '\n') : console.log(...a));

const TOKEN = 'bench-admin-token';

/** A fresh Herald for one scenario: its own data folder, or its own PostgreSQL schema. */
async function withHerald(fn, extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  let database;
  if (opts.database) {
    const url = new URL(opts.database);
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
    if (wanted('backlog') && run === 1) {
      // Once: filling a million rows takes a while and its peak memory barely varies.
      r.backlog = await withHerald((herald) => scenarios.backlog({ herald, receiver, total: Number(opts['backlog-size']) }));
    }
    log(JSON.stringify(r));
    results.push(r);
  }
} finally {
  receiver.stop();
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
  raw: results,
};
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
    ['isolation', 'healthy rate with a stalled endpoint', `${summary.isolation.ratio ?? '-'} (${summary.isolation.with ?? '-'} vs ${summary.isolation.without ?? '-'} /s)`],
  ];
  console.log(`\nHerald benchmark — ${summary.machine.store}, ${summary.machine.cores} cores, Node ${summary.machine.node}, median of ${runs} run(s)\n`);
  for (const [name, what, figure] of rows) console.log(`  ${name.padEnd(10)} ${what.padEnd(38)} ${figure}`);
  console.log('');
}
