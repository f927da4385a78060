import { z } from 'zod';

import type { OrderSuccess } from '../events';
import { optionalNumber, optionalText } from './fields';
import { tolerantObject } from './tolerant-object';

/**
 * order_success. Orders have no id of their own (each event is one order), so nothing is
 * required beyond the customer; `itemCount` is the number of cart lines (not the sum of their
 * quantities), 0 when the cart is missing or not a list.
 */
export const OrderSuccessPayload = tolerantObject({
  cart: z.transform((value: unknown) => (Array.isArray(value) ? value.length : 0)),
  mode: optionalText,
  total: optionalNumber,
}).transform((metadata): OrderSuccess['data'] => ({
  total: metadata.total,
  mode: metadata.mode,
  itemCount: metadata.cart,
}));
export type OrderSuccessPayload = z.output<typeof OrderSuccessPayload>;
