import type { JsonValue } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineTable } from '../merge/define-table';
import {
  column,
  earliestTime,
  firstReportWins,
  lastWriterWins,
  leastText,
  naturalKey,
} from '../merge/fields';
import type { Register } from '../merge/registers';
import { jsonb, text, timestamp } from '../sql/columns';
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

export const couponsTable = defineTable<CouponRow>('coupons', {
  code: naturalKey('code'),
  campaign: lastWriterWins([column('campaign_id', 'text', text)], 'campaign_stamp', 'campaign_key'),
  holder: lastWriterWins<CouponHolder>(
    [
      column('source_id', 'text', (v) => text(v.sourceId)),
      column('assigned_at', 'timestamptz', (v) => timestamp(v.assignedAt)),
    ],
    'holder_stamp',
    'holder_key',
  ),
  createdAt: earliestTime(column('created_at', 'timestamptz', timestamp)),
  details: lastWriterWins<Record<string, JsonValue>>(
    [column('details', 'jsonb', jsonb)],
    'details_stamp',
    'details_key',
  ),
});

export const couponRedemptionsTable = defineTable<CouponRedemptionRow>('coupon_redemptions', {
  redemptionId: naturalKey('redemption_id'),
  // Sound: every report names the coupon, so the least of two codes is a code.
  code: leastText(column('code', 'text', text)),
  sourceId: leastText(column('source_id', 'text', text)),
  redeemedAt: earliestTime(column('redeemed_at', 'timestamptz', timestamp)),
  rollback: firstReportWins<CouponRollback>(
    [
      column('rolled_back_at', 'timestamptz', (v) => timestamp(v.rolledBackAt)),
      column('rollback_id', 'text', (v) => text(v.rollbackId)),
      column('rollback_reason', 'text', (v) => text(v.reason)),
    ],
    'rollback_stamp',
    'rollback_key',
  ),
});
