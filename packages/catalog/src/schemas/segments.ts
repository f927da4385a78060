import type { z } from 'zod';

import type { SegmentEvent } from '../events';
import { optionalText, requiredId } from './fields';
import { tolerantObject } from './tolerant-object';

/** Segment events (shape assumed): membership is keyed by `SegmentId`, so it is required. */
const SegmentPayload = tolerantObject({ SegmentId: requiredId, SegmentName: optionalText }).transform(
  (metadata): SegmentEvent['data'] => ({ segmentId: metadata.SegmentId, segmentName: metadata.SegmentName }),
);

/** customer.segment.entered: the customer joined `SegmentId`. */
export const SegmentEnteredPayload = SegmentPayload;
export type SegmentEnteredPayload = z.output<typeof SegmentEnteredPayload>;

/** customer.segment.left: the customer left `SegmentId`. */
export const SegmentLeftPayload = SegmentPayload;
export type SegmentLeftPayload = z.output<typeof SegmentLeftPayload>;
