import { EVENT_NAMES } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineTable } from '../merge/define-table';
import { column, earliestTime, lastWriterWins, latestTime, naturalKey, sum } from '../merge/fields';
import type { Register } from '../merge/registers';
import { int4, numeric, text, timestamp } from '../sql/columns';
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

export const customersTable = defineTable<CustomerRow>('customers', {
  sourceId: naturalKey('source_id'),
  firstSeenAt: earliestTime(column('first_seen_at', 'timestamptz', timestamp)),
  lastEventAt: latestTime(column('last_event_at', 'timestamptz', timestamp)),
  eventCount: sum(column('event_count', 'integer', int4)),
  ordersCount: sum(column('orders_count', 'integer', int4)),
  ordersTotal: sum(column('orders_total', 'numeric', numeric)),
  lastOrderAt: latestTime(column('last_order_at', 'timestamptz', timestamp)),
  rehookCustomer: lastWriterWins(
    [column('rehook_customer_id', 'text', text)],
    'rehook_customer_stamp',
    'rehook_customer_key',
  ),
});
