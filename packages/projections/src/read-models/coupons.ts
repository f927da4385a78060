import type { JsonValue } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { earlier, later, leastText, minDate, type Register } from '../merge/registers';
import { int8, jsonb, text, timestamp } from '../sql/columns';
import {
  incomingIsEarlier,
  incomingIsLater,
  least,
  leastText as leastTextSql,
  takeWhen,
} from '../sql/merge-sql';
import type { TableSpec } from '../sql/table';
import { checkedDateOrNull } from '../values/checked';
import { assertNever, type EventOf, readModel, reported } from './read-model';

/**
 * Coupons and their redemptions. A coupon row springs from any coupon event; its campaign,
 * holder and details are last-writer-wins registers. Redemptions are keyed by redemption id,
 * and a rollback may arrive before its redemption. The status is derived at read time
 * (`redeemed` while some redemption is redeemed and not rolled back, else `assigned` when a
 * holder is known, else `created`; see `couponStatusSql`), so no stored status can go stale.
 */
export const COUPON_EVENTS = [
  'coupon.created',
  'coupon.rewarded',
  'coupon.redeemed',
  'coupon.redemption.rollback',
] as const;

export interface CouponHolder {
  sourceId: string;
  assignedAt: Date;
}

export interface CouponRow {
  code: string;
  campaign: Register<string> | null;
  holder: Register<CouponHolder> | null;
  /** Earliest receipt of coupon.created. */
  createdAt: Date | null;
  details: Register<Record<string, JsonValue>> | null;
}

export interface CouponRollback {
  rolledBackAt: Date;
  rollbackId: string | null;
  reason: string | null;
}

export interface CouponRedemptionRow {
  redemptionId: string;
  /** Every report names the coupon; should they disagree, the least code wins. */
  code: string;
  sourceId: string | null;
  /** Earliest redemption report. */
  redeemedAt: Date | null;
  /** The earliest rollback report. */
  rollback: Register<CouponRollback> | null;
}

export interface CouponChange {
  table: 'coupons';
  row: CouponRow;
}

export interface CouponRedemptionChange {
  table: 'coupon_redemptions';
  row: CouponRedemptionRow;
}

function coupon(code: string, fields: Partial<Omit<CouponRow, 'code'>> = {}): CouponChange {
  return {
    table: 'coupons',
    row: { code, campaign: null, holder: null, createdAt: null, details: null, ...fields },
  };
}

function projectCoupons(event: EventOf<(typeof COUPON_EVENTS)[number]>, meta: EventMeta): Change[] {
  const sourceId = event.sourceId === '' ? null : event.sourceId;
  const { name } = event;
  switch (name) {
    case 'coupon.created':
      return [
        coupon(event.data.code, {
          campaign: reported(event.data.campaignId, meta),
          createdAt: meta.receivedAt,
          details: reported(event.data.details, meta),
        }),
      ];
    case 'coupon.rewarded': {
      const assignedAt =
        checkedDateOrNull(event.data.reward.redemptionDate, 'reward redemption_date') ?? meta.receivedAt;
      return [
        coupon(event.data.code, {
          campaign: reported(event.data.campaignId, meta),
          holder: sourceId === null ? null : reported({ sourceId, assignedAt }, meta),
        }),
      ];
    }
    case 'coupon.redeemed':
      return [
        coupon(event.data.code),
        {
          table: 'coupon_redemptions',
          row: {
            redemptionId: event.data.redemptionId,
            code: event.data.code,
            sourceId,
            redeemedAt: checkedDateOrNull(event.data.redeemedAt, 'redemption_date') ?? meta.receivedAt,
            rollback: null,
          },
        },
      ];
    case 'coupon.redemption.rollback':
      return [
        coupon(event.data.code),
        {
          table: 'coupon_redemptions',
          row: {
            redemptionId: event.data.redemptionId,
            code: event.data.code,
            sourceId,
            redeemedAt: null,
            rollback: reported(
              { rolledBackAt: meta.receivedAt, rollbackId: event.data.rollbackId, reason: event.data.reason },
              meta,
            ),
          },
        },
      ];
    default:
      return assertNever(name);
  }
}

export const coupons = readModel('coupons', COUPON_EVENTS, projectCoupons);

export const couponsTable: TableSpec<CouponRow> = {
  table: 'coupons',
  conflictTarget: ['code'],
  columns: [
    { name: 'code', type: 'text', value: (r) => text(r.code) },
    { name: 'campaign_id', type: 'text', value: (r) => text(r.campaign?.value ?? null) },
    { name: 'campaign_stamp', type: 'bigint', value: (r) => int8(r.campaign?.stamp ?? null) },
    { name: 'campaign_key', type: 'text', value: (r) => text(r.campaign?.key ?? null) },
    { name: 'source_id', type: 'text', value: (r) => text(r.holder?.value.sourceId ?? null) },
    { name: 'assigned_at', type: 'timestamptz', value: (r) => timestamp(r.holder?.value.assignedAt ?? null) },
    { name: 'holder_stamp', type: 'bigint', value: (r) => int8(r.holder?.stamp ?? null) },
    { name: 'holder_key', type: 'text', value: (r) => text(r.holder?.key ?? null) },
    { name: 'created_at', type: 'timestamptz', value: (r) => timestamp(r.createdAt) },
    { name: 'details', type: 'jsonb', value: (r) => jsonb(r.details?.value) },
    { name: 'details_stamp', type: 'bigint', value: (r) => int8(r.details?.stamp ?? null) },
    { name: 'details_key', type: 'text', value: (r) => text(r.details?.key ?? null) },
  ],
  key: (r) => r.code,
  merge: (a, b) => ({
    code: a.code,
    campaign: later(a.campaign, b.campaign),
    holder: later(a.holder, b.holder),
    createdAt: minDate(a.createdAt, b.createdAt),
    details: later(a.details, b.details),
  }),
  onConflictSet: [
    ...takeWhen(incomingIsLater('campaign_stamp', 'campaign_key'), [
      'campaign_id',
      'campaign_stamp',
      'campaign_key',
    ]),
    ...takeWhen(incomingIsLater('holder_stamp', 'holder_key'), [
      'source_id',
      'assigned_at',
      'holder_stamp',
      'holder_key',
    ]),
    least('created_at'),
    ...takeWhen(incomingIsLater('details_stamp', 'details_key'), ['details', 'details_stamp', 'details_key']),
  ],
};

export const couponRedemptionsTable: TableSpec<CouponRedemptionRow> = {
  table: 'coupon_redemptions',
  conflictTarget: ['redemption_id'],
  columns: [
    { name: 'redemption_id', type: 'text', value: (r) => text(r.redemptionId) },
    { name: 'code', type: 'text', value: (r) => text(r.code) },
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'redeemed_at', type: 'timestamptz', value: (r) => timestamp(r.redeemedAt) },
    {
      name: 'rolled_back_at',
      type: 'timestamptz',
      value: (r) => timestamp(r.rollback?.value.rolledBackAt ?? null),
    },
    { name: 'rollback_id', type: 'text', value: (r) => text(r.rollback?.value.rollbackId ?? null) },
    { name: 'rollback_reason', type: 'text', value: (r) => text(r.rollback?.value.reason ?? null) },
    { name: 'rollback_stamp', type: 'bigint', value: (r) => int8(r.rollback?.stamp ?? null) },
    { name: 'rollback_key', type: 'text', value: (r) => text(r.rollback?.key ?? null) },
  ],
  key: (r) => r.redemptionId,
  merge: (a, b) => ({
    redemptionId: a.redemptionId,
    code: leastText(a.code, b.code) as string,
    sourceId: leastText(a.sourceId, b.sourceId),
    redeemedAt: minDate(a.redeemedAt, b.redeemedAt),
    rollback: earlier(a.rollback, b.rollback),
  }),
  onConflictSet: [
    leastTextSql('code'),
    leastTextSql('source_id'),
    least('redeemed_at'),
    ...takeWhen(incomingIsEarlier('rollback_stamp', 'rollback_key'), [
      'rolled_back_at',
      'rollback_id',
      'rollback_reason',
      'rollback_stamp',
      'rollback_key',
    ]),
  ],
};
