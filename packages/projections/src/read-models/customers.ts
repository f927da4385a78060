import { EVENT_NAMES } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { later, maxDate, minDate, type Register } from '../merge/registers';
import { int4, int8, numeric, text, timestamp } from '../sql/columns';
import { greatest, incomingIsLater, least, sum, takeWhen } from '../sql/merge-sql';
import type { TableSpec } from '../sql/table';
import { toAmount, type Amount } from '../values/amount';
import { rehookIdOf } from './identities';
import { type EventOf, readModel, reported } from './read-model';

/**
 * Customers: one row per source id, sprung into existence by any projected event that names
 * one. Counts only ever grow by one per new event (the event store tells which events are new),
 * times are min / max, and the Rehook customer id is a last-writer-wins register.
 */
export const CUSTOMER_EVENTS = EVENT_NAMES;

export interface CustomerRow {
  sourceId: string;
  firstSeenAt: Date;
  lastEventAt: Date;
  /** Projected events about this customer. */
  eventCount: number;
  ordersCount: number;
  ordersTotal: Amount;
  lastOrderAt: Date | null;
  rehookCustomer: Register<string> | null;
}

export interface CustomerChange {
  table: 'customers';
  row: CustomerRow;
}

function projectCustomers(event: EventOf<(typeof CUSTOMER_EVENTS)[number]>, meta: EventMeta): Change[] {
  if (event.sourceId === '') return [];
  const isOrder = event.name === 'order_success';
  const row: CustomerRow = {
    sourceId: event.sourceId,
    firstSeenAt: meta.receivedAt,
    lastEventAt: meta.receivedAt,
    eventCount: 1,
    ordersCount: isOrder ? 1 : 0,
    ordersTotal: isOrder ? toAmount(event.data.total ?? 0, 'order total') : 0n,
    lastOrderAt: isOrder ? meta.receivedAt : null,
    rehookCustomer: reported(rehookIdOf(event), meta),
  };
  return [{ table: 'customers', row }];
}

export const customers = readModel('customers', CUSTOMER_EVENTS, projectCustomers);

export const customersTable: TableSpec<CustomerRow> = {
  table: 'customers',
  conflictTarget: ['source_id'],
  columns: [
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'first_seen_at', type: 'timestamptz', value: (r) => timestamp(r.firstSeenAt) },
    { name: 'last_event_at', type: 'timestamptz', value: (r) => timestamp(r.lastEventAt) },
    { name: 'event_count', type: 'integer', value: (r) => int4(r.eventCount) },
    { name: 'orders_count', type: 'integer', value: (r) => int4(r.ordersCount) },
    { name: 'orders_total', type: 'numeric', value: (r) => numeric(r.ordersTotal) },
    { name: 'last_order_at', type: 'timestamptz', value: (r) => timestamp(r.lastOrderAt) },
    { name: 'rehook_customer_id', type: 'text', value: (r) => text(r.rehookCustomer?.value ?? null) },
    { name: 'rehook_customer_stamp', type: 'bigint', value: (r) => int8(r.rehookCustomer?.stamp ?? null) },
    { name: 'rehook_customer_key', type: 'text', value: (r) => text(r.rehookCustomer?.key ?? null) },
  ],
  key: (r) => r.sourceId,
  merge: (a, b) => ({
    sourceId: a.sourceId,
    firstSeenAt: minDate(a.firstSeenAt, b.firstSeenAt) as Date,
    lastEventAt: maxDate(a.lastEventAt, b.lastEventAt) as Date,
    eventCount: a.eventCount + b.eventCount,
    ordersCount: a.ordersCount + b.ordersCount,
    ordersTotal: a.ordersTotal + b.ordersTotal,
    lastOrderAt: maxDate(a.lastOrderAt, b.lastOrderAt),
    rehookCustomer: later(a.rehookCustomer, b.rehookCustomer),
  }),
  onConflictSet: [
    least('first_seen_at'),
    greatest('last_event_at'),
    sum('event_count'),
    sum('orders_count'),
    sum('orders_total'),
    greatest('last_order_at'),
    ...takeWhen(incomingIsLater('rehook_customer_stamp', 'rehook_customer_key'), [
      'rehook_customer_id',
      'rehook_customer_stamp',
      'rehook_customer_key',
    ]),
  ],
};
