// node bench/store-cycle.js [--database postgres://…] [--deliveries 50000] [--messages 100] [--hand-off]
// The store's own cost per delivery, with no HTTP: publish batches of 100 messages to 10 endpoints,
// claim them, and settle each with an attempt shaped like a real one. Single-threaded and
// CPU-bound, so it repeats far better than the end-to-end rate on a noisy machine, and shows
// what a change to the store's hot path is worth on its own.
// --messages: messages per publish (each goes to the 10 endpoints). --hand-off: publish once the claims
// have picked up what the last publish left and the in-flight room takes the whole publish (or, for a
// publish larger than the room, nothing is in flight), and take its deliveries from the publish
// (src/store/hand-off.ts, through the loop's own HandOffSession) as the delivery loop does, instead of
// claiming them back: claims then only pick up what it left.
// --stored-bodies: attempts carry their request body, as before migration 23 (default: the body is
// the message, recorded as its format, as the delivery thread records it now). --payload-bytes N:
// each message's data padded to about N bytes. --wal: WAL bytes written per delivery (SQLite: the
// WAL file with automatic checkpoints off for the run; PostgreSQL: pg_current_wal_lsn(), whole server).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newId } from '../dist/domain/ids.js';
import { openStore } from '../dist/store/open-store.js';
import { HandOffSession } from '../dist/delivery/hand-off-session.js';
import { dropSchema } from './lib/pg-schema.js';

const { values: opts } = parseArgs({
  options: {
    database: { type: 'string' }, deliveries: { type: 'string', default: '50000' }, json: { type: 'boolean', default: false },
    messages: { type: 'string', default: '100' }, 'hand-off': { type: 'boolean', default: false },
    'stored-bodies': { type: 'boolean', default: false }, 'payload-bytes': { type: 'string', default: '0' }, wal: { type: 'boolean', default: false },
  },
});
const total = Number(opts.deliveries);
const dir = mkdtempSync(join(tmpdir(), 'herald-store-cycle-'));
let location = join(dir, 'herald.db');
if (opts.database) {
  const url = new URL(opts.database);
  url.searchParams.set('schema', `bench_store_${Date.now()}`);
  location = url.toString();
}
const store = await openStore(location);
const iso = (ms) => new Date(ms).toISOString();
const now0 = Date.now();
const app = await store.createApp({ id: newId('app'), uid: null, name: 'cycle', retrySchedule: null, createdAt: iso(now0), updatedAt: iso(now0) });
for (let i = 0; i < 10; i++) {
  await store.createEndpoint({
    id: newId('ep'), appId: app.id, uid: null, url: `http://127.0.0.1:9/e2e/${i}`, name: null, description: null, eventTypes: null,
    entityTypes: null, method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' },
    secrets: [{ secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', expiresAt: null }], headers: {}, query: {},
    timeoutMs: 30_000, tls: null, retrySchedule: null, rateLimit: null, disabled: false, ordering: 'unordered',
    createdAt: iso(now0), updatedAt: iso(now0),
  });
}

const perPublish = Number(opts.messages);
const handingOff = opts['hand-off'];
function publishInputs(now) {
  return Array.from({ length: perPublish }, (_, i) => ({
    message: {
      id: newId('msg'), appId: app.id, eventType: 'bench.event', dataJson: JSON.stringify({ n: i, t: now, ...padding }), entity: null,
      idempotencyKey: null, createdAt: iso(now), requestId: newId('req'), orderingKey: null,
    },
    now, idempotencySince: now - 86_400_000,
  }));
}

const padding = Number(opts['payload-bytes']) > 0 ? { pad: 'x'.repeat(Number(opts['payload-bytes'])) } : {};

function settlementOf(c, now) {
  const body = opts['stored-bodies'] ? `{"type":${JSON.stringify(c.message.eventType)},"timestamp":${JSON.stringify(c.message.createdAt)},"data":${c.message.dataJson}}` : null;
  const attempt = {
    id: newId('atm'), deliveryId: c.delivery.id, msgId: c.message.id, endpointId: c.endpoint.id, appId: c.delivery.appId,
    attempt: c.delivery.attempts + 1, status: 'success', responseStatus: 200, durationMs: 3, createdAt: iso(now),
    request: {
      method: 'POST', url: c.endpoint.url, body, ...(body === null ? { bodyFrom: 'standard' } : {}),
      headers: {
        'user-agent': 'Herald/0.1.0', 'content-type': 'application/json', 'webhook-id': c.message.id,
        'webhook-timestamp': String(Math.floor(now / 1000)), 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
      },
    },
    response: { headers: { 'content-length': '2', date: new Date(now).toUTCString(), connection: 'keep-alive', 'keep-alive': 'timeout=60' }, body: 'ok' },
    error: null, requestId: c.message.requestId,
  };
  return { deliveryId: c.delivery.id, leaseToken: 'cycle', attempt, outcome: { kind: 'success' }, now };
}

// As the dispatcher runs it: up to 512 deliveries in flight (claimed, not yet settled), at most
// 64 per endpoint, claims of up to 128, settles as requests finish.
const MAX_IN_FLIGHT = 512;
const inFlight = [];
const inFlightByEndpoint = {};
let done = 0;
let published = 0;
const wal = opts.wal ? await walMeter() : null;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let leftBehind = 0;
// The loop's side of a hand-off (delivery/hand-off-session.ts): room kept counts as in flight, as in
// DeliveryLoop. A publish larger than the whole room (10 × --messages > 512) hands off what fits and
// leaves the rest to the claims; before, --hand-off waited for room that never came (the default
// --messages 100 publishes 1,000 deliveries) and never ended.
let held = 0;
let handedOff = 0;
const room = {
  tryHold: (endpointId) => {
    if (inFlight.length + held >= MAX_IN_FLIGHT || (inFlightByEndpoint[endpointId] ?? 0) >= 64) return false;
    inFlightByEndpoint[endpointId] = (inFlightByEndpoint[endpointId] ?? 0) + 1;
    held++;
    return true;
  },
  release: (endpointId) => {
    held--;
    inFlightByEndpoint[endpointId]--;
  },
  launch: (c) => {
    inFlightByEndpoint[c.endpoint.id]++;
    inFlight.push(c);
    leftBehind--;
    handedOff++;
  },
};
const publishSize = perPublish * 10;
while (done < total) {
  const published0 = published;
  if (handingOff) {
    if (leftBehind === 0 && MAX_IN_FLIGHT - inFlight.length >= Math.min(publishSize, MAX_IN_FLIGHT)) {
      const handOff = new HandOffSession('cycle', 5000, 64, room);
      leftBehind += publishSize;
      try {
        await store.publishMany(publishInputs(Date.now()), handOff);
      } finally {
        handOff.close();
      }
      published += publishSize;
    }
  } else if (published - done < 2000) {
    await store.publishMany(publishInputs(Date.now()));
    published += publishSize;
  }
  const claimRoom = Math.min(128, MAX_IN_FLIGHT - inFlight.length);
  const claimed = (handingOff && leftBehind === 0) || claimRoom <= 0 ? []
    : await store.claimDue({ now: Date.now(), limit: claimRoom, leaseMarginMs: 5000, perEndpointLimit: 64, inFlightByEndpoint, leaseToken: 'cycle' });
  leftBehind -= handingOff ? claimed.length : 0;
  for (const c of claimed) inFlightByEndpoint[c.endpoint.id] = (inFlightByEndpoint[c.endpoint.id] ?? 0) + 1;
  inFlight.push(...claimed);
  // The oldest requests finish first.
  const finished = inFlight.splice(0, Math.max(claimed.length, inFlight.length - MAX_IN_FLIGHT + 128, handingOff ? publishSize : 0));
  for (const c of finished) inFlightByEndpoint[c.endpoint.id]--;
  await store.settle(finished.map((c) => settlementOf(c, Date.now())));
  done += finished.length;
  // A turn that publishes, claims and finishes nothing would repeat forever: say so instead.
  if (published === published0 && claimed.length === 0 && finished.length === 0) {
    throw new Error(`store cycle stuck: ${inFlight.length} in flight, ${leftBehind} left for claims, ${done} of ${total} done`);
  }
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const walBytes = wal ? await wal() : null;
await store.close();
rmSync(dir, { recursive: true, force: true });
if (opts.database) await dropSchema(location);
const result = {
  store: opts.database ? 'postgresql' : 'sqlite',
  messagesPerPublish: perPublish,
  handOff: handingOff,
  ...(handingOff ? { handedOff } : {}),
  deliveries: done,
  wallUsPerDelivery: Math.round((wallMs * 1000) / done),
  cpuUsPerDelivery: Math.round((cpu.user + cpu.system) / done),
  ...(walBytes === null ? {} : { walBytesPerDelivery: Math.round(walBytes / done) }),
};
console.log(opts.json ? JSON.stringify(result) : result);

/** Starts counting WAL bytes; the function returned says how many were written since. */
async function walMeter() {
  if (!opts.database) {
    // The store's own connection (a private field): checkpoints off, so the WAL file only grows.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.db.pragma('wal_autocheckpoint = 0');
    return async () => statSync(`${location}-wal`).size;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: opts.database });
  await client.connect();
  const start = (await client.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  return async () => {
    const { rows } = await client.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes', [start]);
    await client.end();
    return Number(rows[0].bytes);
  };
}
