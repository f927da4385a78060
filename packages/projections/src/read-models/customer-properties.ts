import type { JsonValue } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable } from '../merge/define-table';
import { column, naturalKey, reportedBy } from '../merge/fields';
import { int8, jsonb, text } from '../sql/columns';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * Customer properties: last writer wins per (customer, property), ordered by receipt stamp, so
 * an older `customer.updated` processed late never overwrites a newer value.
 */
export const CUSTOMER_PROPERTY_EVENTS = [
  'signup',
  'customer.created',
  'customer.updated',
  'customer.meta.updated',
] as const;

export interface CustomerPropertyRow {
  sourceId: string;
  name: string;
  value: JsonValue;
  stamp: bigint;
  key: string;
}

export interface CustomerPropertyChange {
  table: 'customer_properties';
  row: CustomerPropertyRow;
}

function projectCustomerProperties(
  event: EventOf<(typeof CUSTOMER_PROPERTY_EVENTS)[number]>,
  meta: EventMeta,
): Change[] {
  const { name } = event;
  switch (name) {
    case 'signup':
    case 'customer.created':
    case 'customer.updated':
    case 'customer.meta.updated':
      if (event.sourceId === '') return [];
      return Object.entries(event.data.properties).map(([property, value]) => ({
        table: 'customer_properties',
        row: {
          sourceId: event.sourceId,
          name: property,
          value,
          stamp: meta.receiptStamp,
          key: meta.idempotencyKey,
        },
      }));
    default:
      return assertNever(name);
  }
}

export const customerProperties = readModel(
  'customer-properties',
  CUSTOMER_PROPERTY_EVENTS,
  projectCustomerProperties,
);

export const customerPropertiesTable = defineRegisterTable<CustomerPropertyRow>(
  'customer_properties',
  'last',
  {
    sourceId: naturalKey('source_id'),
    name: naturalKey('key'),
    value: reportedBy(column('value', 'jsonb', (v) => jsonb(v) ?? 'null')),
    stamp: reportedBy(column('stamp', 'bigint', int8)),
    key: reportedBy(column('stamp_key', 'text', text)),
  },
);
