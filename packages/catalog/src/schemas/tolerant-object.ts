import { z } from 'zod';

import { fieldPicker } from '../field-lookup';

/**
 * A `z.object` that reads its fields whatever their casing: before the object is parsed, the
 * body's keys are mapped onto the shape's keys with `fieldPicker` (`CustomerID`, `customerId`
 * and `customer_id` all fill `CustomerId`), and only those keys are copied.
 *
 * Shape keys are spelled as the reference spells the field, so that reasons name fields as
 * Rehook's documentation does (`metadata.wallet.transaction_id is missing`).
 *
 * Anything that is not an object (`null`, a missing nested object, a string) reads as an empty
 * object: its required fields then report themselves missing, with their full path, and its
 * optional fields read as `null`.
 */
export function tolerantObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const pick = fieldPicker(Object.keys(shape));
  return z.preprocess((value: unknown) => pick(value), z.object(shape));
}
