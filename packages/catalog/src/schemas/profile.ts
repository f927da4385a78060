import { z } from 'zod';

import type { CustomerProfileEvent, JsonValue } from '../events';
import { fieldKey, isRecord, lookupField } from '../field-lookup';
import { toJsonObject } from '../json';
import { readString } from '../values';

type ProfileData = CustomerProfileEvent['data'];

// `CustomerID` on the profile events, `CustomerId` elsewhere; both reduce to this.
const CUSTOMER_ID = fieldKey('CustomerID');
const isCustomerIdKey = (key: string): boolean => fieldKey(key) === CUSTOMER_ID;

function rehookCustomerId(metadata: unknown): string | null {
  const id = readString(lookupField(metadata, 'CustomerID'), true);
  return typeof id === 'string' ? id : null;
}

/** Every metadata field but the customer id, as properties to merge. */
function fieldsAsProperties(metadata: unknown): Record<string, JsonValue> {
  return toJsonObject(metadata, isCustomerIdKey);
}

function profilePayload(properties: (metadata: unknown) => Record<string, JsonValue>) {
  return z.transform((metadata: unknown): ProfileData => ({
    rehookCustomerId: rehookCustomerId(metadata),
    properties: properties(metadata),
  }));
}

/**
 * signup: the Rehook id (`CustomerID`) and every other metadata field as a property. Nothing is
 * required beyond the customer's source id: a signup without a Rehook id still says the
 * customer exists.
 */
export const SignupPayload = profilePayload(fieldsAsProperties);
export type SignupPayload = z.output<typeof SignupPayload>;

/** customer.created: only the Rehook id (`CustomerID`); it carries no properties. */
export const CustomerCreatedPayload = profilePayload(() => ({}));
export type CustomerCreatedPayload = z.output<typeof CustomerCreatedPayload>;

/** customer.updated: like signup, the Rehook id and every other metadata field as a property. */
export const CustomerUpdatedPayload = profilePayload(fieldsAsProperties);
export type CustomerUpdatedPayload = z.output<typeof CustomerUpdatedPayload>;

/**
 * customer.meta.updated: the fields of `metadata.properties`. Its shape is assumed (the
 * reference prints none), so when there is no `properties` field at all the properties are
 * read from metadata itself, as for customer.updated. A `properties` that is there but not an
 * object (`null`, a string) gives no properties rather than its siblings, which would store
 * "properties" itself as a property.
 */
export const CustomerMetaUpdatedPayload = profilePayload((metadata) => {
  const properties = lookupField(metadata, 'properties');
  if (properties === undefined) return fieldsAsProperties(metadata);
  return isRecord(properties) ? toJsonObject(properties) : {};
});
export type CustomerMetaUpdatedPayload = z.output<typeof CustomerMetaUpdatedPayload>;
