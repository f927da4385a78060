import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { later, latest, type Register } from '../merge/registers';
import { bool, int8, text, timestamp } from '../sql/columns';
import { incomingIsLater, takeIncoming, whereIncomingIsLater } from '../sql/merge-sql';
import { compositeKey, type TableSpec } from '../sql/table';
import { assertNever, type EventOf, readModel, reported } from './read-model';

/**
 * Segments and membership. Membership of (segment, customer) is a last-writer-wins register by
 * receipt stamp: an `entered` processed after a later `left` does not bring the customer back.
 * `enteredAt` is the receipt time of the `entered` event that holds the register.
 */
export const SEGMENT_EVENTS = ['customer.segment.entered', 'customer.segment.left'] as const;

export interface SegmentRow {
  segmentId: string;
  name: Register<string> | null;
}

export interface SegmentMembershipRow {
  segmentId: string;
  sourceId: string;
  isMember: boolean;
  enteredAt: Date | null;
  stamp: bigint;
  key: string;
}

export interface SegmentChange {
  table: 'segments';
  row: SegmentRow;
}

export interface SegmentMembershipChange {
  table: 'segment_memberships';
  row: SegmentMembershipRow;
}

function projectSegments(event: EventOf<(typeof SEGMENT_EVENTS)[number]>, meta: EventMeta): Change[] {
  let isMember: boolean;
  const { name } = event;
  switch (name) {
    case 'customer.segment.entered':
      isMember = true;
      break;
    case 'customer.segment.left':
      isMember = false;
      break;
    default:
      return assertNever(name);
  }
  const { segmentId, segmentName } = event.data;
  const changes: Change[] = [{ table: 'segments', row: { segmentId, name: reported(segmentName, meta) } }];
  if (event.sourceId !== '') {
    changes.push({
      table: 'segment_memberships',
      row: {
        segmentId,
        sourceId: event.sourceId,
        isMember,
        enteredAt: isMember ? meta.receivedAt : null,
        stamp: meta.receiptStamp,
        key: meta.idempotencyKey,
      },
    });
  }
  return changes;
}

export const segments = readModel('segments', SEGMENT_EVENTS, projectSegments);

export const segmentsTable: TableSpec<SegmentRow> = {
  table: 'segments',
  conflictTarget: ['segment_id'],
  columns: [
    { name: 'segment_id', type: 'text', value: (r) => text(r.segmentId) },
    { name: 'name', type: 'text', value: (r) => text(r.name?.value ?? null) },
    { name: 'name_stamp', type: 'bigint', value: (r) => int8(r.name?.stamp ?? null) },
    { name: 'name_key', type: 'text', value: (r) => text(r.name?.key ?? null) },
  ],
  key: (r) => r.segmentId,
  merge: (a, b) => ({ segmentId: a.segmentId, name: later(a.name, b.name) }),
  onConflictSet: takeIncoming(['name', 'name_stamp', 'name_key']),
  // The name is the only merged column: skip the write unless the incoming name is later.
  onConflictWhere: incomingIsLater('name_stamp', 'name_key'),
};

export const segmentMembershipsTable: TableSpec<SegmentMembershipRow> = {
  table: 'segment_memberships',
  conflictTarget: ['segment_id', 'source_id'],
  columns: [
    { name: 'segment_id', type: 'text', value: (r) => text(r.segmentId) },
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'is_member', type: 'boolean', value: (r) => bool(r.isMember) },
    { name: 'entered_at', type: 'timestamptz', value: (r) => timestamp(r.enteredAt) },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.stamp) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.key) },
  ],
  key: (r) => compositeKey(r.segmentId, r.sourceId),
  merge: latest,
  onConflictSet: takeIncoming(['is_member', 'entered_at', 'stamp', 'stamp_key']),
  onConflictWhere: whereIncomingIsLater(),
};
