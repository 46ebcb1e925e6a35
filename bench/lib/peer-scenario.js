// Scenario `peer`: Herald against the BullMQ peer (bench/peer/), both publishing shapes, one after
// the other in the same run and to the same receiver process, so the ratios compare like with like.
// Skipped with a message when Redis does not answer.
import { randomUUID } from 'node:crypto';
import { redisAnswers, startPeer } from '../peer/peer-process.js';
import { heraldBatch, heraldSingle, peerBulk, peerSingle } from './shapes.js';

const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);

export async function peerComparison({ withHerald, receiver, seconds, redis, log }) {
  if (!(await redisAnswers(redis))) {
    log(`peer: skipped, Redis does not answer at ${redis}`);
    return { skipped: `Redis does not answer at ${redis}` };
  }
  const withPeer = async (shape, fn) => {
    const peer = await startPeer({ shape, target: `${receiver.url}/peer-${shape}/${randomUUID()}`, redis });
    try {
      return await fn(peer);
    } finally {
      await peer.stop();
    }
  };
  const herald = {
    single: await withHerald((h) => heraldSingle({ herald: h, receiver, seconds })),
    batch: await withHerald((h) => heraldBatch({ herald: h, receiver, seconds })),
  };
  const peer = {
    single: await withPeer('http', (p) => peerSingle({ peer: p, receiver, seconds })),
    batch: await withPeer('bulk', (p) => peerBulk({ peer: p, receiver, seconds })),
  };
  return {
    herald,
    peer,
    singleRatio: ratio(herald.single.deliveriesPerSec, peer.single.deliveriesPerSec),
    batchRatio: ratio(herald.batch.deliveriesPerSec, peer.batch.deliveriesPerSec),
  };
}

/** Scenario `stores`: the single-publish e2e on SQLite and on PostgreSQL side by side. */
export async function storeComparison({ withHerald, receiver, seconds, pgUrl }) {
  const sqlite = await withHerald((h) => heraldSingle({ herald: h, receiver, seconds }), [], null);
  const postgres = await withHerald((h) => heraldSingle({ herald: h, receiver, seconds }), [], pgUrl);
  return { sqlite, postgres, ratio: ratio(postgres.deliveriesPerSec, sqlite.deliveriesPerSec) };
}
