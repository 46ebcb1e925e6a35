import type { Pool } from 'pg';
import { RATE_BURST_SECONDS } from '../rate-bucket.js';
import type { SecretCodec } from '../secret-codec.js';
import { assembleClaim } from '../claim-assembly.js';
import { rowToDelivery, rowToMessage, type Row } from '../rows.js';
import type { ClaimRequest, ClaimedDelivery } from '../store.js';

// A claim is two statements in one transaction, run by one function call (claim-function.ts), and
// both are needed:
//
// 1. Lock the gate rows of endpoints that have due work and room, `FOR UPDATE SKIP LOCKED`.
//    Another process claiming for an endpoint right now holds its gate; we skip that endpoint
//    this round instead of waiting, so claimers never queue behind each other.
// 2. With a snapshot taken after those locks (READ COMMITTED: a new one per statement), count
//    each endpoint's live leases, which now include every earlier claimer's committed leases,
//    and take at most its free slots and whole rate-limit tokens of due rows whose turn it is
//    (ordered endpoints, see ordered-turn.ts) (graphile-worker's CTE: `ORDER BY … LIMIT …
//    FOR UPDATE SKIP LOCKED`, then `UPDATE … RETURNING`). Holding the gate also keeps two
//    processes from both taking the next delivery of one ordering key.
//
// Done in one statement, the count would come from a snapshot older than the gate lock and
// two processes could both fill the same endpoint's last slots.
//
// Candidate endpoints are found per endpoint (one index probe each) rather than from a window
// of the globally earliest rows, so a long backlog on a throttled endpoint never hides other
// endpoints' work and a claim costs the same whatever the backlog.

export async function claimDuePostgres(pool: Pool, codec: SecretCodec, req: ClaimRequest): Promise<ClaimedDelivery[]> {
  // One round trip: the function (claim-function.ts, migration 23) runs both statements in the
  // statement's own transaction. Named, so each connection parses and plans the call once.
  const { rows } = await pool.query<{ claimed: { deliveries: Row[] | null; messages: Row[] | null; endpoints: Row[] | null } | null }>({
    name: 'herald_claim_call',
    text: 'SELECT herald_claim($1, $2, $3, $4, $5, $6, $7) AS claimed',
    values: [req.now, req.limit, RATE_BURST_SECONDS, req.perEndpointLimit, JSON.stringify(req.inFlightByEndpoint), req.leaseMarginMs, req.leaseToken],
  });
  const result = rows[0]?.claimed;
  if (!result?.deliveries) return [];
  return assembleClaim(result.deliveries.map((r) => rowToDelivery(r)), (result.messages ?? []).map((r) => rowToMessage(r)), result.endpoints ?? [], codec);
}
