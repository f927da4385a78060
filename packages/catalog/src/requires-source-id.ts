import type { EventName } from './events';

/**
 * Whether an event must name its customer: its read-model rows are keyed by the customer's
 * `source_id`, so with an empty one it would attach to nobody, and it is stored as `invalid`
 * instead. Events that stand on their own natural key accept an empty `source_id`.
 */
export function requiresSourceId(name: EventName): boolean {
  switch (name) {
    // Wallet ledger entries, pending rewards, orders, profiles, coupon holders, leaderboard
    // awards and segment memberships all belong to a customer.
    case 'customer.rewarded':
    case 'order_success':
    case 'signup':
    case 'customer.created':
    case 'customer.updated':
    case 'customer.meta.updated':
    case 'coupon.rewarded':
    case 'customer.leaderboard.awarded':
    case 'customer.segment.entered':
    case 'customer.segment.left':
    case 'wallet.credited':
    case 'wallet.debited':
      return true;
    // Referrals are keyed by (campaign, friend's Rehook id), but a referral event is "associated
    // with" the friend or the advocate (the reference's words) and feeds the identity map
    // (Rehook id → source id); with no source id it would map a Rehook id to nobody.
    case 'customer.referred':
    case 'customer.referral.successful.advocate':
    case 'customer.referral.successful.friend':
      return true;
    // A coupon exists before anyone holds it (the assumed coupon.created has source_id "").
    case 'coupon.created':
      return false;
    // Redemptions and rollbacks are keyed by redemption id, and the coupon's status depends on
    // them; dropping one for a missing holder would show a redeemed coupon as unredeemed.
    case 'coupon.redeemed':
    case 'coupon.redemption.rollback':
      return false;
    // Keyed by redemption id; the API appends it with source_id "".
    case 'mirror.reward.fulfilled':
      return false;
    default: {
      const unhandled: never = name;
      throw new Error(`requiresSourceId: unhandled event ${String(unhandled)}`);
    }
  }
}
