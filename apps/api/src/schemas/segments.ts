import { z } from 'zod';
import { pageOf, Timestamp } from './common';
import { named } from './registry';

/** A segment a customer is in now. */
export const CustomerSegment = named(
  'CustomerSegment',
  z.strictObject({
    segmentId: z.string(),
    name: z.string().nullable(),
    enteredAt: Timestamp.nullable(),
  }),
);
export type CustomerSegment = z.infer<typeof CustomerSegment>;

/** `GET /v1/customers/{sourceId}/segments`: the segments the customer is in, in id order. */
export const CustomerSegmentList = named(
  'CustomerSegmentList',
  z.strictObject({ items: z.array(CustomerSegment) }),
);
export type CustomerSegmentList = z.infer<typeof CustomerSegmentList>;

export const Segment = named(
  'Segment',
  z.strictObject({
    segmentId: z.string(),
    name: z.string().nullable(),
    /** Customers in the segment now. */
    memberCount: z.int().nonnegative(),
  }),
);
export type Segment = z.infer<typeof Segment>;
export const SegmentPage = pageOf('SegmentPage', Segment);
export type SegmentPage = z.infer<typeof SegmentPage>;

export const SegmentMember = named(
  'SegmentMember',
  z.strictObject({ sourceId: z.string(), enteredAt: Timestamp.nullable() }),
);
export type SegmentMember = z.infer<typeof SegmentMember>;
export const SegmentMemberPage = pageOf('SegmentMemberPage', SegmentMember);
export type SegmentMemberPage = z.infer<typeof SegmentMemberPage>;
