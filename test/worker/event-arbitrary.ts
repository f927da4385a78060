import fc from 'fast-check';
import type { WebhookJobData } from '@mirror/queue';
import type { EventOrigin } from '@mirror/event-store';
import { stampAt } from './deliveries';
import { type RehookBody, rehookBodies as b } from './rehook-bodies';

/** A delivery and who wrote it (the API's fulfilments are recorded with origin `mirror`). */
export interface GeneratedDelivery {
  delivery: WebhookJobData;
  origin: EventOrigin;
}

// A small universe, so that generated events collide on every natural key: a few customers
// (source id + Rehook id), shared transaction ids, coupons, redemptions, segments.
const CUSTOMERS = [
  { sourceId: 'KMN@123', rehookId: 'cust_kmn' },
  { sourceId: 'KRISH@123', rehookId: 'cust_krish' },
  { sourceId: 'New_customer24', rehookId: 'cust_new24' },
] as const;
const customer = fc.constantFrom(...CUSTOMERS);
const transactionId = fc.constantFrom('trhi_1', 'trhi_2', 'trhi_3');
const points = fc.constantFrom(1, 10, 12.5, 100, 0.0001);
const redemptionId = fc.constantFrom('redm_1', 'redm_2', 'redm_3');
const couponCode = fc.constantFrom('DIWALI123', 'SUMMER5');
const segment = fc.constantFrom(['sgmt_high', 'High spenders'] as const, ['sgmt_new', 'Newcomers'] as const);
const campaign = fc.constantFrom('camp_ref_1', 'camp_ref_2');
const property = fc.record({
  tier: fc.constantFrom('gold', 'silver'),
  city: fc.constantFrom('Pune', 'Delhi', null),
});

type Generated = { body: RehookBody; origin: EventOrigin };
const webhook = (body: RehookBody): Generated => ({ body, origin: 'webhook' });

/** One random Rehook event (or internal fulfilment) over the small universe. */
export const generatedEvent: fc.Arbitrary<Generated> = fc.oneof(
  fc.tuple(customer, transactionId, points).map(([c, t, p]) => webhook(b.walletCredited(c.sourceId, t, p))),
  fc.tuple(customer, transactionId, points).map(([c, t, p]) => webhook(b.walletDebited(c.sourceId, t, p))),
  fc
    .tuple(customer, transactionId, points, redemptionId)
    .map(([c, t, p, r]) => webhook(b.walletReward(c.sourceId, t, p, r))),
  fc.tuple(customer, redemptionId, points).map(([c, r, p]) => webhook(b.webhookReward(c.sourceId, r, p))),
  redemptionId.map((r): Generated => ({ body: b.rewardFulfilled(r), origin: 'mirror' })),
  fc
    .tuple(customer, points, fc.nat(3))
    .map(([c, p, n]) => webhook(b.orderSuccess(c.sourceId, p, `order-${n}`))),
  customer.map((c) => webhook(b.customerCreated(c.sourceId, c.rehookId))),
  fc.tuple(customer, property).map(([c, p]) => webhook(b.customerUpdated(c.sourceId, c.rehookId, p))),
  fc.tuple(customer, property).map(([c, p]) => webhook(b.customerMetaUpdated(c.sourceId, c.rehookId, p))),
  fc.tuple(customer, property).map(([c, p]) => webhook(b.signup(c.sourceId, c.rehookId, p))),
  fc.tuple(couponCode, campaign).map(([k, camp]) => webhook(b.couponCreated(k, camp))),
  fc
    .tuple(customer, couponCode, campaign)
    .map(([c, k, camp]) => webhook(b.couponRewarded(c.sourceId, k, camp))),
  fc
    .tuple(customer, couponCode, redemptionId)
    .map(([c, k, r]) => webhook(b.couponRedeemed(c.sourceId, k, r))),
  fc
    .tuple(customer, couponCode, redemptionId)
    .map(([c, k, r]) => webhook(b.couponRollback(c.sourceId, k, r))),
  fc
    .tuple(customer, customer, campaign)
    .map(([friend, advocate, camp]) =>
      webhook(b.referred(friend.sourceId, friend.rehookId, advocate.rehookId, camp)),
    ),
  fc
    .tuple(customer, campaign, points)
    .map(([friend, camp, p]) => webhook(b.referralFriend(friend.sourceId, friend.rehookId, camp, p))),
  fc
    .tuple(customer, customer, campaign, points)
    .map(([advocate, friend, camp, p]) =>
      webhook(b.referralAdvocate(advocate.sourceId, advocate.rehookId, friend.rehookId, camp, p)),
    ),
  fc
    .tuple(customer, fc.integer({ min: 1, max: 3 }), points)
    .map(([c, rank, p]) => webhook(b.leaderboardAwarded(c.sourceId, 'ldbd_monthly', rank, p))),
  fc.tuple(customer, segment).map(([c, [id, name]]) => webhook(b.segmentEntered(c.sourceId, id, name))),
  fc.tuple(customer, segment).map(([c, [id, name]]) => webhook(b.segmentLeft(c.sourceId, id, name))),
);

/**
 * A set of deliveries in receipt order: each generated event gets the next receipt stamp and a
 * delivery-id key of its own (two identical bodies are then two events, as with a delivery-id
 * header), and some deliveries are delivered again unchanged (a redelivery: same key, same
 * stamp), appended after the originals.
 */
export function generatedDeliveries(maxEvents: number): fc.Arbitrary<GeneratedDelivery[]> {
  return fc
    .array(generatedEvent, { minLength: 1, maxLength: maxEvents, size: 'max' })
    .chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.subarray(
          events.map((_, i) => i),
          { maxLength: Math.ceil(events.length / 4) },
        ),
      ),
    )
    .map(([events, redelivered]) => {
      const deliveries = events.map(({ body, origin }, i): GeneratedDelivery => {
        const stamp = stampAt(i);
        return {
          origin,
          delivery: {
            rawBody: JSON.stringify(body),
            idempotencyKey: `delivery:evt-${String(i).padStart(3, '0')}`,
            receiptStamp: stamp.toString(),
            receivedAt: Number(stamp / 1000n),
          },
        };
      });
      return [...deliveries, ...redelivered.map((i) => deliveries[i] as GeneratedDelivery)];
    });
}

/** Deliveries in a random processing order. */
export function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: items.length, maxLength: items.length })
    .map((keys) =>
      items
        .map((item, i) => ({ item, key: keys[i] ?? 0 }))
        .sort((x, y) => x.key - y.key)
        .map(({ item }) => item),
    );
}
