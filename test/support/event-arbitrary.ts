import fc from 'fast-check';
import { planIdentity, ruleOfKey } from '@mirror/delivery-identity';
import type { WebhookJobData } from '@mirror/queue';
import type { EventOrigin } from '@mirror/event-store';
import { stampAt } from './deliveries';
import * as b from '@mirror/rehook-bodies';
import type { RehookBody } from '@mirror/rehook-bodies';

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
  fc
    .tuple(customer, transactionId, points)
    .map(([c, t, p]) =>
      webhook(b.walletEvent({ direction: 'credit', sourceId: c.sourceId, transactionId: t, points: p })),
    ),
  fc
    .tuple(customer, transactionId, points)
    .map(([c, t, p]) =>
      webhook(b.walletEvent({ direction: 'debit', sourceId: c.sourceId, transactionId: t, points: p })),
    ),
  fc
    .tuple(customer, transactionId, points, redemptionId)
    .map(([c, t, p, r]) =>
      webhook(b.walletReward({ sourceId: c.sourceId, transactionId: t, points: p, redemptionId: r })),
    ),
  fc
    .tuple(customer, redemptionId, points)
    .map(([c, r, p]) => webhook(b.webhookReward({ sourceId: c.sourceId, redemptionId: r, points: p }))),
  redemptionId.map((r): Generated => ({ body: b.rewardFulfilled({ redemptionId: r }), origin: 'mirror' })),
  fc
    .tuple(customer, points, fc.nat(3))
    .map(([c, p, n]) => webhook(b.orderSuccess({ sourceId: c.sourceId, total: p, orderNo: `order-${n}` }))),
  customer.map((c) => webhook(b.customerCreated({ sourceId: c.sourceId, customerId: c.rehookId }))),
  fc
    .tuple(customer, property)
    .map(([c, p]) =>
      webhook(b.customerUpdated({ sourceId: c.sourceId, customerId: c.rehookId, changes: p })),
    ),
  fc
    .tuple(customer, property)
    .map(([c, p]) =>
      webhook(b.customerMetaUpdated({ sourceId: c.sourceId, customerId: c.rehookId, properties: p })),
    ),
  fc
    .tuple(customer, property)
    .map(([c, p]) => webhook(b.signup({ sourceId: c.sourceId, customerId: c.rehookId, profile: p }))),
  fc
    .tuple(couponCode, campaign)
    .map(([k, camp]) => webhook(b.couponCreated({ code: k, campaign: { id: camp } }))),
  fc.tuple(customer, couponCode, campaign).map(([c, k, camp]) =>
    webhook(
      b.couponRewarded({
        sourceId: c.sourceId,
        code: k,
        redemptionId: `redm_cpn_${k}_${c.sourceId}`,
        campaign: { id: camp },
      }),
    ),
  ),
  fc
    .tuple(customer, couponCode, redemptionId)
    .map(([c, k, r]) => webhook(b.couponRedeemed({ sourceId: c.sourceId, code: k, redemptionId: r }))),
  fc
    .tuple(customer, couponCode, redemptionId)
    .map(([c, k, r]) => webhook(b.couponRollback({ sourceId: c.sourceId, code: k, redemptionId: r }))),
  fc.tuple(customer, customer, campaign).map(([friend, advocate, camp]) =>
    webhook(
      b.customerReferred({
        sourceId: friend.sourceId,
        friendId: friend.rehookId,
        advocateId: advocate.rehookId,
        campaignId: camp,
      }),
    ),
  ),
  fc.tuple(customer, campaign, points).map(([friend, camp, p]) =>
    webhook(
      b.referralFriend({
        sourceId: friend.sourceId,
        friendId: friend.rehookId,
        campaignId: camp,
        points: p,
      }),
    ),
  ),
  fc.tuple(customer, customer, campaign, points).map(([advocate, friend, camp, p]) =>
    webhook(
      b.referralAdvocate({
        sourceId: advocate.sourceId,
        advocateId: advocate.rehookId,
        friendId: friend.rehookId,
        campaignId: camp,
        points: p,
      }),
    ),
  ),
  fc.tuple(customer, fc.integer({ min: 1, max: 3 }), points).map(([c, rank, p]) =>
    webhook(
      b.leaderboardAwarded({
        sourceId: c.sourceId,
        leaderboardId: 'ldbd_monthly',
        rank,
        points: p,
        redemptionId: `redm_lb_${c.sourceId}_${rank}`,
      }),
    ),
  ),
  fc
    .tuple(customer, segment)
    .map(([c, [id, name]]) =>
      webhook(b.segmentEvent({ kind: 'entered', sourceId: c.sourceId, segmentId: id, segmentName: name })),
    ),
  fc
    .tuple(customer, segment)
    .map(([c, [id, name]]) =>
      webhook(b.segmentEvent({ kind: 'left', sourceId: c.sourceId, segmentId: id, segmentName: name })),
    ),
);

/**
 * A set of deliveries in receipt order, with the identity the ingest would give each
 * (`planIdentity`), so that every rule of delivery identity is exercised:
 * - a body with an occurrence key is that occurrence's event; a later body with the same key
 *   (whatever else it says) is a redelivery of it (`redelivery: 'occurrence'`, the first's key);
 * - a body without one is an event of its own at each receipt (the generated events are taken
 *   to be further apart than the dedupe window), including genuine repeats: bodies identical to
 *   an earlier event's;
 * - some distinct events share a receipt stamp (two ingest replicas in the same microsecond);
 *   an identical body at the same stamp is a redelivery (`content-window`);
 * - some events are redelivered later, with a newer receipt stamp than the original (a
 *   redelivery recognised by the ingest: same event key, `redelivery` set, its own receipt id);
 * - some jobs are delivered twice unchanged (a retried job: same receipt id), after the rest.
 * The API's fulfilments (origin `mirror`) keep a key of their own each.
 */
export function generatedDeliveries(maxEvents: number): fc.Arbitrary<GeneratedDelivery[]> {
  const step = fc.record({
    event: generatedEvent,
    /** Repeat the body of an earlier event (index modulo the events before). */
    repeat: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.nat(), weight: 1 }),
    /** Take the previous event's receipt stamp. */
    sameStamp: fc.oneof(
      { arbitrary: fc.constant(false), weight: 6 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  });
  return fc
    .array(step, { minLength: 1, maxLength: maxEvents, size: 'max' })
    .chain((steps) =>
      fc.tuple(
        fc.constant(steps),
        fc.subarray(
          steps.map((_, i) => i),
          { maxLength: Math.ceil(steps.length / 4) },
        ),
        fc.subarray(
          steps.map((_, i) => i),
          { maxLength: Math.ceil(steps.length / 8) },
        ),
      ),
    )
    .map(([steps, redelivered, retried]) => {
      const bodies: Generated[] = [];
      const claimed = new Map<string, string>();
      let stampIndex = -1;
      const deliveries = steps.map((s, i): GeneratedDelivery => {
        const { body, origin } = s.repeat !== null && i > 0 ? (bodies[s.repeat % i] as Generated) : s.event;
        bodies.push({ body, origin });
        if (!(s.sameStamp && i > 0)) stampIndex++;
        const stamp = stampAt(stampIndex);
        const rawBody = JSON.stringify(body);
        const common = {
          rawBody,
          receiptStamp: stamp.toString(),
          receivedAt: Number(stamp / 1000n),
          receiptId: `r-${i}`,
        };
        if (origin !== 'webhook') {
          return {
            origin,
            delivery: { ...common, idempotencyKey: `delivery:evt-${String(i).padStart(3, '0')}` },
          };
        }
        const plan = planIdentity({ rawBody, body }, common.receiptStamp);
        // A content key carries its stamp: the same body at another stamp is another event.
        const first = claimed.get(plan.eventKey);
        if (first !== undefined) {
          return { origin, delivery: { ...common, idempotencyKey: first, redelivery: plan.rule } };
        }
        claimed.set(plan.eventKey, plan.eventKey);
        return {
          origin,
          delivery: {
            ...common,
            idempotencyKey: plan.eventKey,
            ...(plan.note !== null && { identityNote: plan.note }),
          },
        };
      });
      const redeliveries = redelivered
        .map((i) => deliveries[i] as GeneratedDelivery)
        .filter((d) => d.origin === 'webhook')
        .map((original, k): GeneratedDelivery => {
          const stamp = stampAt(++stampIndex);
          return {
            origin: original.origin,
            delivery: {
              rawBody: original.delivery.rawBody,
              idempotencyKey: original.delivery.idempotencyKey,
              receiptStamp: stamp.toString(),
              receivedAt: Number(stamp / 1000n),
              receiptId: `r-redelivery-${k}`,
              redelivery: ruleOfKey(original.delivery.idempotencyKey),
            },
          };
        });
      const all = [...deliveries, ...redeliveries];
      return [...all, ...retried.map((i) => all[i] as GeneratedDelivery)];
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

/**
 * `count` webhook deliveries of random events (a fixed sample by `seed`), numbered from `first`
 * in receipt order, each with a delivery-id key of its own: a stream of distinct events for
 * tests that feed a queue.
 */
export function generatedWebhooks(count: number, first: number, seed: number): WebhookJobData[] {
  return fc
    .sample(generatedEvent, { numRuns: count * 2, seed })
    .filter((event) => event.origin === 'webhook')
    .slice(0, count)
    .map(({ body }, i) => ({
      rawBody: JSON.stringify(body),
      idempotencyKey: `delivery:evt-${first + i}`,
      receiptStamp: stampAt(first + i).toString(),
      receivedAt: Number(stampAt(first + i) / 1000n),
    }));
}
