// A realistic stream of Rehook webhooks for the worker and rebuild benchmarks: every event
// kind, over many customers, with the natural-key collisions real traffic has (a wallet reward
// and its wallet.credited, credits and debits of one transaction, segment flips, redemptions
// and rollbacks, both sides of referrals). Deterministic for a given seed.
import { idempotencyKeyFromBody, type WebhookJobData } from '@mirror/queue';
import * as b from '@mirror/rehook-bodies';
import type { RehookBody } from '@mirror/rehook-bodies';

/** A small deterministic PRNG (mulberry32), so runs compare like with like. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct webhook bodies over `customers` customers. `salt` makes every body of a run
 * unique across runs (it goes into ids), so no body is a redelivery of another run's.
 */
export function eventMix(count: number, customers: number, seed = 1, salt = ''): RehookBody[] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const bodies: RehookBody[] = [];
  for (let i = 0; i < count; i++) {
    const c = pick(customers);
    const sourceId = `CUST${c}@shop`;
    const rehookId = `cust_${c}`;
    const id = `${salt}${i}`;
    const roll = next();
    const points = 1 + pick(100);
    if (roll < 0.2)
      bodies.push(b.walletEvent({ direction: 'credit', sourceId, transactionId: `trhi_${id}`, points }));
    else if (roll < 0.3)
      bodies.push(
        b.walletEvent({
          direction: 'debit',
          sourceId,
          transactionId: `trhi_${salt}${Math.max(0, i - 1 - pick(50))}`,
          points,
        }),
      );
    else if (roll < 0.4)
      bodies.push(
        b.walletReward({ sourceId, transactionId: `trhi_${id}`, points, redemptionId: `redm_${id}` }),
      );
    else if (roll < 0.45) bodies.push(b.webhookReward({ sourceId, redemptionId: `redm_${id}`, points }));
    else if (roll < 0.6)
      bodies.push(b.orderSuccess({ sourceId, total: points * 10.5, orderNo: `order_${id}` }));
    else if (roll < 0.63) bodies.push(b.customerCreated({ sourceId, customerId: rehookId }));
    else if (roll < 0.67)
      bodies.push(
        b.customerUpdated({
          sourceId,
          customerId: rehookId,
          changes: { name: `Customer ${c}`, email: `c${c}@example.com` },
        }),
      );
    else if (roll < 0.7)
      bodies.push(
        b.customerMetaUpdated({
          sourceId,
          customerId: rehookId,
          properties: { tier: ['gold', 'silver'][pick(2)], n: i },
        }),
      );
    else if (roll < 0.75)
      bodies.push(
        b.segmentEvent({ kind: 'entered', sourceId, segmentId: `sgmt_${pick(20)}`, segmentName: 'Segment' }),
      );
    else if (roll < 0.8)
      bodies.push(
        b.segmentEvent({ kind: 'left', sourceId, segmentId: `sgmt_${pick(20)}`, segmentName: 'Segment' }),
      );
    else if (roll < 0.82)
      bodies.push(b.couponCreated({ code: `CODE${salt}${pick(count)}`, campaign: { id: 'camp_coupons' } }));
    else if (roll < 0.84) {
      const code = `CODE${salt}${pick(count)}`;
      bodies.push(
        b.couponRewarded({
          sourceId,
          code,
          redemptionId: `redm_cpn_${code}_${sourceId}`,
          campaign: { id: 'camp_coupons' },
        }),
      );
    } else if (roll < 0.87)
      bodies.push(
        b.couponRedeemed({ sourceId, code: `CODE${salt}${pick(count)}`, redemptionId: `redm_cpn_${id}` }),
      );
    else if (roll < 0.88)
      bodies.push(
        b.couponRollback({
          sourceId,
          code: `CODE${salt}${pick(count)}`,
          redemptionId: `redm_cpn_${salt}${Math.max(0, i - 1 - pick(50))}`,
        }),
      );
    else if (roll < 0.91)
      bodies.push(
        b.customerReferred({
          sourceId,
          friendId: rehookId,
          advocateId: `cust_${pick(customers)}`,
          campaignId: `camp_ref_${id}`,
        }),
      );
    else if (roll < 0.93)
      bodies.push(
        b.referralFriend({
          sourceId,
          friendId: rehookId,
          campaignId: `camp_ref_${salt}${pick(Math.max(i, 1))}`,
          points,
        }),
      );
    else if (roll < 0.95)
      bodies.push(
        b.referralAdvocate({
          sourceId,
          advocateId: rehookId,
          friendId: `cust_${pick(customers)}`,
          campaignId: `camp_ref_${salt}${pick(Math.max(i, 1))}`,
          points,
        }),
      );
    else {
      const leaderboardId = `ldbd_${salt}${pick(10)}`;
      const rank = 1 + pick(10);
      bodies.push(
        b.leaderboardAwarded({
          sourceId,
          leaderboardId,
          rank,
          points,
          redemptionId: `redm_lb_${sourceId}_${rank}`,
        }),
      );
    }
  }
  return bodies;
}

/**
 * `count` distinct segment events (entered or left), each about a customer of its own, over
 * `segments` segments: with one segment, every event upserts the same `segments` row (the hot
 * row case of `pnpm bench worker`); with many, they spread. `salt` as in {@link eventMix}.
 */
export function segmentFlips(count: number, segments: number, seed = 1, salt = ''): RehookBody[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const sourceId = `CUST${salt}${i}@shop`;
    const segmentId = `sgmt_${Math.floor(next() * segments)}`;
    return next() < 0.7
      ? b.segmentEvent({ kind: 'entered', sourceId, segmentId, segmentName: 'Segment' })
      : b.segmentEvent({ kind: 'left', sourceId, segmentId, segmentName: 'Segment' });
  });
}

/**
 * Deliveries as the ingest makes them: the canonical-JSON hash as idempotency key and
 * increasing receipt stamps from `startMs` (one per 10 µs).
 */
export function deliveriesOf(bodies: readonly RehookBody[], startMs: number): WebhookJobData[] {
  return bodies.map((body, i) => {
    const stamp = BigInt(startMs) * 1000n + BigInt(i) * 10n;
    return {
      rawBody: JSON.stringify(body),
      idempotencyKey: idempotencyKeyFromBody(body),
      receiptStamp: stamp.toString(),
      receivedAt: Number(stamp / 1000n),
    };
  });
}
