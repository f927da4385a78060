import {
  couponRedeemed,
  couponRewarded,
  customerMetaUpdated,
  leaderboardAwarded,
  orderSuccess,
  referralAdvocate,
  segmentEvent,
  type RehookBody,
  walletEvent,
  webhookReward,
} from '@mirror/rehook-bodies';

/**
 * A long, plausible history of one customer, `n` distinct webhooks touching every read model of
 * the customer document: mostly wallet movements and orders, some rewards, coupons, segment
 * changes (over 12 segments, so memberships flip), profile updates, leaderboard awards and
 * referrals. Deterministic: event `i` depends on `i` only.
 */
export function customerHistory(sourceId: string, n: number): RehookBody[] {
  const rehookId = `cust_${sourceId}`;
  return Array.from({ length: n }, (_, i): RehookBody => {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    const slot = (i * 37) % 100;
    if (slot < 30) {
      return walletEvent({
        direction: 'credit',
        sourceId,
        transactionId: `tx_${sourceId}_${i}`,
        points: 5 + (i % 20),
        createdAt: at,
      });
    }
    if (slot < 40) {
      return walletEvent({
        direction: 'debit',
        sourceId,
        transactionId: `tx_${sourceId}_${i}`,
        points: 3 + (i % 7),
        createdAt: at,
      });
    }
    if (slot < 68) return orderSuccess({ sourceId, total: 20 + (i % 300), orderNo: i });
    if (slot < 76)
      return webhookReward({ sourceId, redemptionId: `redm_${sourceId}_w${i}`, points: 10 + (i % 5) });
    if (slot < 80)
      return couponRewarded({ code: `C_${sourceId}_${i}`, sourceId, redemptionId: `redm_${sourceId}_c${i}` });
    if (slot < 82)
      return couponRedeemed({
        code: `C_${sourceId}_${i - 3}`,
        sourceId,
        redemptionId: `redm_${sourceId}_r${i}`,
      });
    if (slot < 88) {
      return segmentEvent({
        kind: i % 3 === 0 ? 'left' : 'entered',
        sourceId,
        segmentId: `sgmt_${i % 12}`,
        // Renamed now and then, which also keeps two flips of one segment distinct deliveries.
        segmentName: `Segment ${i % 12} (rev ${i})`,
      });
    }
    if (slot < 92)
      return customerMetaUpdated({ sourceId, customerId: rehookId, properties: { [`p${i % 10}`]: i } });
    if (slot < 96) {
      return leaderboardAwarded({
        sourceId,
        campaignId: `camp_lb_${i % 4}`,
        leaderboardId: `lb_${i}`,
        rank: 1 + (i % 10),
        points: 50,
      });
    }
    return referralAdvocate({
      sourceId,
      advocateId: rehookId,
      friendId: `cust_friend_${sourceId}_${i}`,
      campaignId: 'camp_ref',
      points: 25,
    });
  });
}
