import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable, defineTable } from '../merge/define-table';
import { column, lastWriterWins, naturalKey, reportedBy } from '../merge/fields';
import type { Register } from '../merge/registers';
import { bool, int8, text, timestamp } from '../sql/columns';
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

// The name is the only merged field: the upsert skips the write unless the incoming name is later.
export const segmentsTable = defineTable<SegmentRow>('segments', {
  segmentId: naturalKey('segment_id'),
  name: lastWriterWins([column('name', 'text', text)], 'name_stamp', 'name_key'),
});

export const segmentMembershipsTable = defineRegisterTable<SegmentMembershipRow>(
  'segment_memberships',
  'last',
  {
    segmentId: naturalKey('segment_id'),
    sourceId: naturalKey('source_id'),
    isMember: reportedBy(column('is_member', 'boolean', bool)),
    enteredAt: reportedBy(column('entered_at', 'timestamptz', timestamp)),
    stamp: reportedBy(column('stamp', 'bigint', int8)),
    key: reportedBy(column('stamp_key', 'text', text)),
  },
);
