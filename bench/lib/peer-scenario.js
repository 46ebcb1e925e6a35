// Scenario `peer`: Herald against the BullMQ peer (bench/peer/), both publishing shapes, one after
// the other in the same run and to the same receiver process, so the ratios compare like with like.
// Skipped with a message when Redis does not answer.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { redisAnswers, redisPid, startPeer } from '../peer/peer-process.js';
import { heraldBatch, heraldSingle, peerBulk, peerSingle } from './shapes.js';

const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);

export async function peerComparison({ withHerald, receiver, seconds, redis, log }) {
  if (!(await redisAnswers(redis))) {
    log(`peer: skipped, Redis does not answer at ${redis}`);
    return { skipped: `Redis does not answer at ${redis}` };
  }
  // Redis's CPU is the peer's too (Herald's store works inside Herald): counted when Redis is local.
  const pid = await redisPid(redis);
  const redisLocal = pid !== null && existsSync(`/proc/${pid}/stat`);
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
    single: await withPeer('http', (p) => peerSingle({ peer: p, receiver, seconds, redisPid: redisLocal ? pid : undefined })),
    batch: await withPeer('bulk', (p) => peerBulk({ peer: p, receiver, seconds, redisPid: redisLocal ? pid : undefined })),
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
