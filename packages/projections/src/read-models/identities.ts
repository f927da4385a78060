import type { RehookEvent } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable } from '../merge/define-table';
import { column, naturalKey, reportedBy } from '../merge/fields';
import { int8, text } from '../sql/columns';
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

export const identitiesTable = defineRegisterTable<IdentityRow>('customer_identities', 'last', {
  rehookCustomerId: naturalKey('rehook_customer_id'),
  sourceId: reportedBy(column('source_id', 'text', text)),
  stamp: reportedBy(column('stamp', 'bigint', int8)),
  key: reportedBy(column('stamp_key', 'text', text)),
});
