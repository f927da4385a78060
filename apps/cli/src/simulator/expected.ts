import type { Delivery } from './effects';

/** A coupon's status as DESIGN.md defines it. */
export type CouponStatus = 'created' | 'assigned' | 'redeemed';

/** What the API should say about one customer once every acknowledged delivery is projected. */
export interface ExpectedCustomer {
  sourceId: string;
  rehookCustomerId: string | null;
  /** Distinct events (by idempotency key) whose `source_id` is this customer. */
  eventCount: number;
  properties: Record<string, unknown>;
  orders: { count: number; total: number };
  wallet: { balance: number; credited: number; debited: number; pendingRewardPoints: number };
  /** Coupons this customer holds, by code. */
  coupons: { code: string; status: CouponStatus }[];
  /** Ids of the segments the customer is in now. */
  segments: string[];
  referrals: {
    /** Rehook ids of the friends this customer referred. */
    asAdvocate: string[];
    /** Rehook id of the advocate who referred this customer, if any. */
    asFriend: string | null;
  };
  leaderboardAwards: number;
}

/** The simulator's account of what it sent and what the mirror should now hold. */
export interface ExpectedSummary {
  /** Acknowledged deliveries, redeliveries included. */
  deliveries: number;
  /** Distinct events among them (what the event store should hold). */
  distinctEvents: number;
  redeliveries: number;
  /** Events whose body is identical to an earlier event's (`Delivery.repeatOf`), counted as events. */
  genuineRepeats: number;
  /** Distinct events by `event_name` as sent. */
  eventsByName: Record<string, number>;
  totals: {
    customers: number;
    walletBalance: number;
    walletCredited: number;
    walletDebited: number;
    pendingRewardPoints: number;
    orders: number;
    ordersTotal: number;
    referrals: number;
    coupons: number;
    couponsRedeemed: number;
  };
  customers: ExpectedCustomer[];
}

interface CustomerState {
  rehookCustomerId: string | null;
  keys: Set<string>;
  properties: Record<string, unknown>;
  orders: { count: number; total: number };
  segments: Map<string, boolean>;
  leaderboardAwards: Set<string>;
}

interface CouponState {
  holder: string | null;
  redemptions: Map<string, boolean>;
}

/**
 * Folds acknowledged deliveries, in the order they were generated, into the expected read
 * models. Each idempotency key counts once (the first acknowledged delivery of it), exactly as
 * the mirror dedupes; sets are keyed by natural ids as the projections key them.
 */
export function expectedSummary(acknowledged: Iterable<Delivery>): ExpectedSummary {
  const seen = new Set<string>();
  const customers = new Map<string, CustomerState>();
  const ledger = new Map<string, { sourceId: string; direction: 'credit' | 'debit'; points: number }>();
  const pending = new Map<string, { sourceId: string; points: number }>();
  const coupons = new Map<string, CouponState>();
  const referrals = new Map<string, { friend: string; advocate: string | null }>();
  const eventsByName: Record<string, number> = {};
  let deliveries = 0;
  let redeliveries = 0;
  let genuineRepeats = 0;

  const customer = (sourceId: string): CustomerState => {
    let state = customers.get(sourceId);
    if (state === undefined) {
      state = {
        rehookCustomerId: null,
        keys: new Set(),
        properties: {},
        orders: { count: 0, total: 0 },
        segments: new Map(),
        leaderboardAwards: new Set(),
      };
      customers.set(sourceId, state);
    }
    return state;
  };
  const coupon = (code: string): CouponState => {
    let state = coupons.get(code);
    if (state === undefined) {
      state = { holder: null, redemptions: new Map() };
      coupons.set(code, state);
    }
    return state;
  };

  for (const delivery of acknowledged) {
    deliveries++;
    if (delivery.redelivery) redeliveries++;
    if (seen.has(delivery.key)) continue;
    seen.add(delivery.key);
    if (delivery.repeatOf !== undefined) genuineRepeats++;
    eventsByName[delivery.eventName] = (eventsByName[delivery.eventName] ?? 0) + 1;
    if (delivery.sourceId !== '') customer(delivery.sourceId).keys.add(delivery.key);
    for (const effect of delivery.effects) {
      switch (effect.kind) {
        case 'customer': {
          const state = customer(effect.sourceId);
          if (effect.rehookCustomerId !== null) state.rehookCustomerId = effect.rehookCustomerId;
          break;
        }
        case 'properties':
          Object.assign(customer(effect.sourceId).properties, effect.properties);
          break;
        case 'order': {
          const { orders } = customer(effect.sourceId);
          orders.count++;
          orders.total += effect.total;
          break;
        }
        case 'ledger':
          ledger.set(`${effect.transactionId}/${effect.direction}`, effect);
          break;
        case 'pendingReward':
          pending.set(effect.redemptionId, effect);
          break;
        case 'couponCreated':
          coupon(effect.code);
          break;
        case 'couponAssigned':
          coupon(effect.code).holder = effect.sourceId;
          break;
        case 'couponRedeemed': {
          const state = coupon(effect.code);
          if (!state.redemptions.has(effect.redemptionId)) state.redemptions.set(effect.redemptionId, false);
          break;
        }
        case 'couponRolledBack':
          coupon(effect.code).redemptions.set(effect.redemptionId, true);
          break;
        case 'segment':
          customer(effect.sourceId).segments.set(effect.segmentId, effect.member);
          break;
        case 'referral': {
          const key = `${effect.campaignId}/${effect.friendCustomerId}`;
          const known = referrals.get(key);
          referrals.set(key, {
            friend: effect.friendCustomerId,
            advocate: effect.advocateCustomerId ?? known?.advocate ?? null,
          });
          break;
        }
        case 'leaderboardAward':
          customer(effect.sourceId).leaderboardAwards.add(effect.awardKey);
          break;
        default: {
          const unhandled: never = effect;
          throw new Error(`unhandled effect ${JSON.stringify(unhandled)}`);
        }
      }
    }
  }

  const couponStatus = (state: CouponState): CouponStatus =>
    [...state.redemptions.values()].some((rolledBack) => !rolledBack)
      ? 'redeemed'
      : state.holder !== null
        ? 'assigned'
        : 'created';

  const result: ExpectedCustomer[] = [...customers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sourceId, state]) => {
      let credited = 0;
      let debited = 0;
      for (const entry of ledger.values()) {
        if (entry.sourceId !== sourceId) continue;
        if (entry.direction === 'credit') credited += entry.points;
        else debited += entry.points;
      }
      let pendingRewardPoints = 0;
      for (const reward of pending.values())
        if (reward.sourceId === sourceId) pendingRewardPoints += reward.points;
      const held = [...coupons.entries()]
        .filter(([, c]) => c.holder === sourceId)
        .map(([code, c]) => ({ code, status: couponStatus(c) }))
        .sort((a, b) => (a.code < b.code ? -1 : 1));
      const own = state.rehookCustomerId;
      const asAdvocate = [...referrals.values()]
        .filter((r) => own !== null && r.advocate === own)
        .map((r) => r.friend)
        .sort();
      const asFriend =
        own === null ? null : ([...referrals.values()].find((r) => r.friend === own)?.advocate ?? null);
      return {
        sourceId,
        rehookCustomerId: state.rehookCustomerId,
        eventCount: state.keys.size,
        properties: state.properties,
        orders: { count: state.orders.count, total: round(state.orders.total) },
        wallet: {
          balance: round(credited - debited),
          credited: round(credited),
          debited: round(debited),
          pendingRewardPoints: round(pendingRewardPoints),
        },
        coupons: held,
        segments: [...state.segments.entries()]
          .filter(([, member]) => member)
          .map(([id]) => id)
          .sort(),
        referrals: { asAdvocate, asFriend },
        leaderboardAwards: state.leaderboardAwards.size,
      };
    });

  const sum = (f: (c: ExpectedCustomer) => number) => round(result.reduce((acc, c) => acc + f(c), 0));
  return {
    deliveries,
    distinctEvents: seen.size,
    redeliveries,
    genuineRepeats,
    eventsByName,
    totals: {
      customers: result.length,
      walletBalance: sum((c) => c.wallet.balance),
      walletCredited: sum((c) => c.wallet.credited),
      walletDebited: sum((c) => c.wallet.debited),
      pendingRewardPoints: sum((c) => c.wallet.pendingRewardPoints),
      orders: sum((c) => c.orders.count),
      ordersTotal: sum((c) => c.orders.total),
      referrals: referrals.size,
      coupons: coupons.size,
      couponsRedeemed: [...coupons.values()].filter((c) => couponStatus(c) === 'redeemed').length,
    },
    customers: result,
  };
}

/** Amounts are whole or 2-decimal numbers; this keeps float sums from printing as 10.000000002. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
