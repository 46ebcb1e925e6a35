import type { Pool } from 'pg';
import { RATE_BURST_SECONDS } from '../rate-bucket.js';
import type { SecretCodec } from '../secret-codec.js';
import { assembleClaim } from '../claim-assembly.js';
import { rowToDelivery, rowToMessage, type Row } from '../rows.js';
import type { ClaimRequest, ClaimedDelivery } from '../store.js';

// A claim is two statements in one transaction, run by one function call (claim-function-v26.ts), and
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

/** A claim's deliveries and, when it came back short, when to look again (undefined: not asked). */
export interface PostgresClaim {
  claimed: ClaimedDelivery[];
  nextDueAt: number | null | undefined;
}

type ClaimAnswer = { deliveries: Row[] | null; messages: Row[] | null; endpoints: Row[] | null; short: boolean; next_due: string | number | null };

export async function claimDuePostgres(pool: Pool, codec: SecretCodec, req: ClaimRequest): Promise<PostgresClaim> {
  // One round trip: the function (claim-function-v26.ts, migration 26) runs both statements in the
  // statement's own transaction, and after a short claim the dispatcher's next look as a third, which
  // the loop would otherwise ask for in a second round trip (nextDueAt). Named, so each connection
  // parses and plans the call once.
  const { rows } = await pool.query<{ claimed: ClaimAnswer }>({
    name: 'herald_claim_v2_call',
    text: 'SELECT herald_claim_v2($1, $2, $3, $4, $5, $6, $7) AS claimed',
    values: [req.now, req.limit, RATE_BURST_SECONDS, req.perEndpointLimit, JSON.stringify(req.inFlightByEndpoint), req.leaseMarginMs, req.leaseToken],
  });
  const result = rows[0]!.claimed;
  const nextDueAt = result.short ? (result.next_due === null ? null : Number(result.next_due)) : undefined;
  if (!result.deliveries) return { claimed: [], nextDueAt };
  const claimed = assembleClaim(result.deliveries.map((r) => rowToDelivery(r)), (result.messages ?? []).map((r) => rowToMessage(r)), result.endpoints ?? [], codec);
  return { claimed, nextDueAt };
}
