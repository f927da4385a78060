import type { JsonValue } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { latest } from '../merge/registers';
import { int8, jsonb, text } from '../sql/columns';
import { takeIncoming, whereIncomingIsLater } from '../sql/merge-sql';
import { compositeKey, type TableSpec } from '../sql/table';
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

export const customerPropertiesTable: TableSpec<CustomerPropertyRow> = {
  table: 'customer_properties',
  conflictTarget: ['source_id', 'key'],
  columns: [
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'key', type: 'text', value: (r) => text(r.name) },
    { name: 'value', type: 'jsonb', value: (r) => jsonb(r.value) ?? 'null' },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.stamp) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.key) },
  ],
  key: (r) => compositeKey(r.sourceId, r.name),
  merge: latest,
  onConflictSet: takeIncoming(['value', 'stamp', 'stamp_key']),
  onConflictWhere: whereIncomingIsLater(),
};
