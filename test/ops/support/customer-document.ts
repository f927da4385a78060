// A customer document of the API in the simulator's terms, so that what the simulator says it
// sent can be compared with what the mirror serves (test/ops/simulate-e2e, test/compose/smoke).
import type { ExpectedCustomer } from '../../../apps/cli/src/simulator/expected';

export interface CustomerDocument {
  sourceId: string;
  rehookCustomerId: string | null;
  properties: Record<string, unknown>;
  eventCount: number;
  orders: { count: number; total: number };
  wallet: { balance: number; credited: number; debited: number; pendingRewardPoints: number };
  coupons: { code: string; status: string }[];
  segments: { segmentId: string }[];
  referrals: {
    asAdvocate: { friend: { rehookCustomerId: string } }[];
    asFriend: { advocate: { rehookCustomerId: string } | null }[];
  };
  leaderboardAwards: unknown[];
}

/** The API's document in the simulator's terms. */
export function asExpected(doc: CustomerDocument): ExpectedCustomer {
  return {
    sourceId: doc.sourceId,
    rehookCustomerId: doc.rehookCustomerId,
    eventCount: doc.eventCount,
    properties: doc.properties,
    orders: { count: doc.orders.count, total: doc.orders.total },
    wallet: doc.wallet,
    coupons: doc.coupons
      .map((c) => ({ code: c.code, status: c.status as 'created' }))
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
    segments: doc.segments.map((s) => s.segmentId).sort(),
    referrals: {
      asAdvocate: doc.referrals.asAdvocate.map((r) => r.friend.rehookCustomerId).sort(),
      asFriend: doc.referrals.asFriend[0]?.advocate?.rehookCustomerId ?? null,
    },
    leaderboardAwards: doc.leaderboardAwards.length,
  };
}
