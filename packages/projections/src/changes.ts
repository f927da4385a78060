import type { CouponChange, CouponRedemptionChange } from './read-models/coupons';
import { couponRedemptionsTable, couponsTable } from './read-models/coupons';
import type { CustomerPropertyChange } from './read-models/customer-properties';
import { customerPropertiesTable } from './read-models/customer-properties';
import type { CustomerChange } from './read-models/customers';
import { customersTable } from './read-models/customers';
import type { IdentityChange } from './read-models/identities';
import { identitiesTable } from './read-models/identities';
import type { LeaderboardAwardChange } from './read-models/leaderboards';
import { leaderboardAwardsTable } from './read-models/leaderboards';
import type { ReferralChange } from './read-models/referrals';
import { referralsTable } from './read-models/referrals';
import type { SegmentChange, SegmentMembershipChange, SegmentNameChange } from './read-models/segments';
import { segmentMembershipsTable, segmentNamesTable, segmentsTable } from './read-models/segments';
import type { WalletTransactionChange } from './read-models/wallet-ledger';
import { walletTransactionsTable } from './read-models/wallet-ledger';
import type { WebhookRewardChange } from './read-models/webhook-rewards';
import { webhookRewardsTable } from './read-models/webhook-rewards';
import type { TableSpec } from './sql/table';

/** One row that an event contributes to one read-model table. */
export type Change =
  | CustomerChange
  | CustomerPropertyChange
  | IdentityChange
  | WalletTransactionChange
  | WebhookRewardChange
  | CouponChange
  | CouponRedemptionChange
  | ReferralChange
  | LeaderboardAwardChange
  | SegmentChange
  | SegmentNameChange
  | SegmentMembershipChange;

/** A read-model table's name. */
export type TableName = Change['table'];

/** The row type of a table. */
export type RowOf<T extends TableName> = Extract<Change, { table: T }>['row'];

/** Every read-model table and how its rows merge and are written. */
export const TABLES: { readonly [T in TableName]: TableSpec<RowOf<T>> } = {
  customers: customersTable,
  customer_properties: customerPropertiesTable,
  customer_identities: identitiesTable,
  wallet_transactions: walletTransactionsTable,
  webhook_rewards: webhookRewardsTable,
  coupons: couponsTable,
  coupon_redemptions: couponRedemptionsTable,
  referrals: referralsTable,
  leaderboard_awards: leaderboardAwardsTable,
  segments: segmentsTable,
  segment_names: segmentNamesTable,
  segment_memberships: segmentMembershipsTable,
};

/**
 * The order in which a transaction writes the tables. Every transaction uses it (and writes
 * each table's rows in key order), so two transactions never wait for each other's locks in
 * opposite orders.
 */
export const TABLE_ORDER: readonly TableName[] = [
  'customers',
  'customer_properties',
  'customer_identities',
  'wallet_transactions',
  'webhook_rewards',
  'coupons',
  'coupon_redemptions',
  'referrals',
  'leaderboard_awards',
  'segments',
  'segment_names',
  'segment_memberships',
];
