import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable, defineTable } from '../merge/define-table';
import { column, naturalKey, reportedBy } from '../merge/fields';
import { bool, int8, text, timestamp } from '../sql/columns';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * Segments and membership. Membership of (segment, customer) is a last-writer-wins register by
 * receipt stamp: an `entered` processed after a later `left` does not bring the customer back.
 * `enteredAt` is the receipt time of the `entered` event that holds the register. A segment's
 * name is that of its latest report: the latest of its `segment_names` rows.
 */
export const SEGMENT_EVENTS = ['customer.segment.entered', 'customer.segment.left'] as const;

/** A segment some event named (its name lives on the memberships: see below). */
export interface SegmentRow {
  segmentId: string;
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

/** The latest name a customer's events reported for a segment. */
export interface SegmentNameRow {
  segmentId: string;
  sourceId: string;
  name: string;
  stamp: bigint;
  key: string;
}

export interface SegmentNameChange {
  table: 'segment_names';
  row: SegmentNameRow;
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
  const changes: Change[] = [{ table: 'segments', row: { segmentId } }];
  if (event.sourceId !== '' && segmentName !== null) {
    changes.push({
      table: 'segment_names',
      row: {
        segmentId,
        sourceId: event.sourceId,
        name: segmentName,
        stamp: meta.receiptStamp,
        key: meta.idempotencyKey,
      },
    });
  }
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

// Only the key: the upsert is an INSERT ... ON CONFLICT DO NOTHING, which neither writes nor
// locks the row once it exists. Were the segment's name kept here, every segment event would
// rewrite this one row, and concurrent transactions would queue for its lock until each
// commits: a popular segment would serialise all workers. The name is on the memberships
// instead (each row a register of its own), and the segment's is that of its latest report.
export const segmentsTable = defineTable<SegmentRow>('segments', {
  segmentId: naturalKey('segment_id'),
});

// One register per (segment, customer), not per segment: events of one segment about different
// customers write different rows. The segment's name is the latest of them (read time).
export const segmentNamesTable = defineRegisterTable<SegmentNameRow>('segment_names', 'last', {
  segmentId: naturalKey('segment_id'),
  sourceId: naturalKey('source_id'),
  name: reportedBy(column('name', 'text', text)),
  stamp: reportedBy(column('stamp', 'bigint', int8)),
  key: reportedBy(column('stamp_key', 'text', text)),
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
