import { z } from 'zod';

import type { JsonValue } from '../events';
import { fieldKey, isRecord, lookupField } from '../field-lookup';
import { toJsonObject } from '../json';
import { parseRehookTimestamp } from '../timestamps';
import { missingOrWrong, readNumber, readString, WRONG_TYPE, type WrongType } from '../values';

/*
 * Field schemas for payload fields, used as the values of `tolerantObject` shapes.
 *
 * Rule: a field that an event's natural key needs is `required...` and makes the event invalid
 * with a reason naming it; every other field is `optional...` and reads as `null` when it is
 * absent, empty, "NA" or of the wrong type, because a bad optional value must not cost the
 * event. Amounts of points are the exception: a negative one is an error, not a null, since
 * projections add them up.
 *
 * They are bare `z.transform`s (not `z.string()...`) so that each reads its value exactly once,
 * decides absent vs wrong in one place, and words its own reason.
 */

/** A Rehook id (`cust_...`, `camp_...`, `redm_...`) or a referral code that must be present. */
export const requiredId = z.transform((value: unknown, ctx): string => {
  const id = readString(value, true);
  if (typeof id === 'string') return id;
  ctx.addIssue(missingOrWrong(value, 'a string'));
  return z.NEVER;
});

/** A Rehook id, or `null` when absent, empty, "NA" or not a string. */
export const optionalId = z.transform((value: unknown): string | null => {
  const id = readString(value, true);
  return typeof id === 'string' ? id : null;
});

/** Descriptive text (names, types, descriptions, reasons): `null` when absent, empty or "NA". */
export const optionalText = optionalId;

/** A number that may be absent (order total, rank, score): `null` unless it reads as a number. */
export const optionalNumber = z.transform((value: unknown): number | null => {
  const amount = readNumber(value);
  return typeof amount === 'number' ? amount : null;
});

/** Points that may be absent: `null` when absent or unreadable, but a negative amount is an error. */
export const optionalPoints = z.transform((value: unknown, ctx): number | null => {
  const amount = readNumber(value);
  if (typeof amount !== 'number') return null;
  if (amount < 0) {
    ctx.addIssue('must not be negative');
    return z.NEVER;
  }
  return amount;
});

/**
 * Points read as they came, for fields whose requirement depends on other fields (the points of
 * a wallet entry may sit on the wallet or beside it): the number, `null` when absent, or
 * `WRONG_TYPE`, plus the raw value for the reason.
 */
export interface PointsAsSent {
  amount: number | null | WrongType;
  raw: unknown;
}
export const pointsAsSent = z.transform((value: unknown): PointsAsSent => ({
  amount: readNumber(value),
  raw: value,
}));

/**
 * An id read as it came, for ids whose requirement depends on other fields (a wallet reward is
 * one because it has a transaction id): the id or `null`, plus the raw value for the reason.
 */
export const idAsSent = z.transform((value: unknown) => {
  const id = readString(value, true);
  return { id: typeof id === 'string' ? id : null, raw: value };
});
export type IdAsSent = z.output<typeof idAsSent>;

/** A timestamp; `null` when absent, unparseable or Go's zero time (see `parseRehookTimestamp`). */
export const timestamp = z.transform((value: unknown): Date | null => parseRehookTimestamp(value));

/** A JSON object passed through (properties, details); anything else reads as `{}`. */
export const jsonObject = z.transform((value: unknown): Record<string, JsonValue> => toJsonObject(value));

/**
 * A coupon as Rehook sends it: the code itself (`"coupon": "DIWALI123"`), or an object holding
 * it (`"coupon": {"code": "DIWALI123", "discount": ...}`), whose other fields are the details.
 * Codes are the shop's own text, kept as sent, "NA" included.
 */
function readCoupon(
  value: unknown,
): { code: string | null; details: Record<string, JsonValue> } | typeof WRONG_TYPE {
  if (isRecord(value)) {
    const code = readString(lookupField(value, 'code'), false);
    return {
      code: typeof code === 'string' ? code : null,
      details: toJsonObject(value, (key) => fieldKey(key) === 'code'),
    };
  }
  const code = readString(value, false);
  return code === WRONG_TYPE ? WRONG_TYPE : { code, details: {} };
}

/** A coupon whose code must be present: `{code, details}`. */
export const requiredCoupon = z.transform((value: unknown, ctx) => {
  const coupon = readCoupon(value);
  if (coupon !== WRONG_TYPE && coupon.code !== null) return { code: coupon.code, details: coupon.details };
  if (isRecord(value)) {
    ctx.addIssue({
      code: 'custom',
      message: missingOrWrong(lookupField(value, 'code'), 'a string'),
      path: ['code'],
    });
  } else {
    ctx.addIssue(missingOrWrong(value, 'a string or an object with a code'));
  }
  return z.NEVER;
});

/** A coupon code that may be absent (`"coupon": null` on customer.rewarded). */
export const optionalCouponCode = z.transform((value: unknown): string | null => {
  const coupon = readCoupon(value);
  return coupon === WRONG_TYPE ? null : coupon.code;
});
