import type { RehookEvent } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { latest } from '../merge/registers';
import { int8, text } from '../sql/columns';
import { takeIncoming, whereIncomingIsLater } from '../sql/merge-sql';
import type { TableSpec } from '../sql/table';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * The identity map: Rehook's customer id (`cust_...`) → the shop's source id, learned from the
 * profile events (`CustomerID`) and the referral events (`CustomerId` beside the top-level
 * `source_id`). Referral links resolve through it at read time, so either side may come first.
 */
export const IDENTITY_EVENTS = [
  'signup',
  'customer.created',
  'customer.updated',
  'customer.meta.updated',
  'customer.referred',
  'customer.referral.successful.advocate',
  'customer.referral.successful.friend',
] as const;

export interface IdentityRow {
  rehookCustomerId: string;
  sourceId: string;
  stamp: bigint;
  key: string;
}

export interface IdentityChange {
  table: 'customer_identities';
  row: IdentityRow;
}

/**
 * The Rehook id that an event says belongs to its source id, if it says one: the customer
 * row's register and the identity map both read it from here.
 */
export function rehookIdOf(event: RehookEvent): string | null {
  const { name } = event;
  switch (name) {
    case 'signup':
    case 'customer.created':
    case 'customer.updated':
    case 'customer.meta.updated':
      return event.data.rehookCustomerId;
    case 'customer.referred':
    case 'customer.referral.successful.advocate':
    case 'customer.referral.successful.friend':
      return event.data.subjectCustomerId;
    case 'customer.rewarded':
    case 'order_success':
    case 'coupon.rewarded':
    case 'coupon.created':
    case 'coupon.redeemed':
    case 'coupon.redemption.rollback':
    case 'customer.leaderboard.awarded':
    case 'customer.segment.entered':
    case 'customer.segment.left':
    case 'wallet.credited':
    case 'wallet.debited':
    case 'mirror.reward.fulfilled':
      return null;
    default:
      return assertNever(name);
  }
}

function projectIdentities(event: EventOf<(typeof IDENTITY_EVENTS)[number]>, meta: EventMeta): Change[] {
  const rehookCustomerId = rehookIdOf(event);
  if (rehookCustomerId === null || event.sourceId === '') return [];
  return [
    {
      table: 'customer_identities',
      row: { rehookCustomerId, sourceId: event.sourceId, stamp: meta.receiptStamp, key: meta.idempotencyKey },
    },
  ];
}

export const identities = readModel('identities', IDENTITY_EVENTS, projectIdentities);

export const identitiesTable: TableSpec<IdentityRow> = {
  table: 'customer_identities',
  conflictTarget: ['rehook_customer_id'],
  columns: [
    { name: 'rehook_customer_id', type: 'text', value: (r) => text(r.rehookCustomerId) },
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.stamp) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.key) },
  ],
  key: (r) => r.rehookCustomerId,
  merge: latest,
  onConflictSet: takeIncoming(['source_id', 'stamp', 'stamp_key']),
  onConflictWhere: whereIncomingIsLater(),
};
