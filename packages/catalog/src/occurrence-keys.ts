import type { EventName } from './events';

/**
 * What identifies one occurrence of an event type, decided from Rehook's reference, the
 * fixtures and its REST API (docs/delivery-identity.md gives the table and the reasoning).
 *
 * - `fields`: paths from the body's root to the fields whose values, together with the
 *   canonical event name, name one occurrence: the same event whenever and however often it
 *   comes, whatever else in the body changed. Each step is looked up with every spelling of the
 *   field (`redemption_id`, `RedemptionId`, ...), as the catalog reads fields. A value must be a
 *   non-empty string; otherwise the body falls back to the content window, with a reason.
 * - `null`: the body carries no such id (or only ids of definitions shared by many events, such
 *   as a campaign or a reward), so an identical body is a redelivery only within the content
 *   window (`WEBHOOK_DEDUPE_WINDOW_SECONDS`).
 */
export interface OccurrenceKeyDeclaration {
  fields: readonly (readonly string[])[] | null;
  /** Why these fields (or why none), in a sentence; the table in the docs says the same. */
  why: string;
}

const REWARD_REDEMPTION = ['metadata', 'reward', 'redemption_id'] as const;
const WALLET_TRANSACTION = ['metadata', 'wallet', 'transaction_id'] as const;
const REFERRAL_REDEMPTION = ['metadata', 'RedemptionId'] as const;

/** The occurrence key of every event type of the catalog. */
export const OCCURRENCE_KEYS: Readonly<Record<EventName, OccurrenceKeyDeclaration>> = {
  'customer.rewarded': {
    fields: [REWARD_REDEMPTION],
    why:
      'reward.redemption_id names one issuance of a reward to one customer, in both kinds (the ' +
      'wallet kind carries a wallet transaction too, but every issuance has a redemption); ' +
      'reward_id and campaign.id name definitions shared by many customers',
  },
  order_success: {
    fields: null,
    why: 'no order id is sent (cart item ids are products): a second identical order is a real order',
  },
  signup: {
    fields: null,
    why: 'CustomerID names the customer, not this signup; profile fields may be sent again',
  },
  'coupon.rewarded': {
    fields: [REWARD_REDEMPTION],
    why: 'reward.redemption_id names the assignment of the coupon to the customer; the code and campaign may be shared',
  },
  'coupon.created': {
    fields: null,
    why:
      'the code names the coupon, not its creation, and the payload is assumed (the reference ' +
      'prints none): a coupon created again with other details must not be merged away',
  },
  'coupon.redeemed': {
    fields: [['metadata', 'redemption_id']],
    why: 'redemption_id names one redemption of the coupon',
  },
  'customer.meta.updated': {
    fields: null,
    why: 'no update id: the same properties may be set again after a change in between',
  },
  'customer.referred': {
    fields: null,
    why:
      'only the friend, advocate and campaign are named, which may refer again (the event ' +
      'fires when the friend logs in with the code); no redemption is sent',
  },
  'customer.referral.successful.advocate': {
    fields: [REFERRAL_REDEMPTION],
    why: 'RedemptionId names the advocate reward issued for this referral; RewardId and RuleId are definitions',
  },
  'customer.referral.successful.friend': {
    fields: [REFERRAL_REDEMPTION],
    why: 'RedemptionId names the friend reward issued for this referral; RewardId and RuleId are definitions',
  },
  'customer.leaderboard.awarded': {
    fields: [REWARD_REDEMPTION],
    why:
      'reward.redemption_id names the award of this recurrence to this customer; the campaign, ' +
      'leaderboard and reward ids are definitions shared by every participant and recurrence',
  },
  'customer.created': {
    fields: null,
    why: 'CustomerID names the customer, not the creation; the body has nothing else',
  },
  'coupon.redemption.rollback': {
    fields: [['metadata', 'redemption_id']],
    why:
      'a redemption is rolled back at most once, so its redemption_id names the rollback ' +
      '(rollback_id is optional in the assumed payload)',
  },
  'customer.updated': {
    fields: null,
    why: 'no update id: the same details may be sent again after a change in between',
  },
  'customer.segment.entered': {
    fields: null,
    why: 'SegmentId names the segment, which a customer may enter again after leaving it',
  },
  'customer.segment.left': {
    fields: null,
    why: 'SegmentId names the segment, which a customer may leave again after re-entering it',
  },
  'wallet.credited': {
    fields: [WALLET_TRANSACTION],
    why:
      'wallet.transaction_id names one wallet transaction, the event name gives the direction ' +
      "(the payload's type is unreliable); a reworded description is the same credit",
  },
  'wallet.debited': {
    fields: [WALLET_TRANSACTION],
    why: 'wallet.transaction_id names one wallet transaction, the event name gives the direction',
  },
  'mirror.reward.fulfilled': {
    fields: null,
    why:
      'internal: never accepted from a webhook (stored invalid), so a webhook must not claim ' +
      'its key; the API keys its own fulfilment fulfil:<redemption_id>',
  },
};
