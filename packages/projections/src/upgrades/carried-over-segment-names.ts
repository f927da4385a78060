import type { EventOrigin, SqlClient } from '@mirror/event-store';
import { applyChanges } from '../apply-changes';
import { ChangeSet } from '../change-set';
import { SEGMENT_EVENTS } from '../read-models/segments';
import { readBody } from '../read-delivery';

/** Segment events read per round trip. */
const BATCH_SIZE = 5000;

interface StoredSegmentEvent {
  seq: bigint;
  receipt_stamp: bigint;
  idempotency_key: string;
  received_at: Date;
  raw_body: string;
  origin: EventOrigin;
}

/** What {@link replaceCarriedOverSegmentNames} did. */
export interface CarriedOverSegmentNames {
  /** `segment_names` rows under the source id `''` that it replaced (0: nothing to do). */
  carriedOver: number;
  /** Segment events whose reports it wrote. */
  events: number;
}

/**
 * Gives a store that went through the migration `20261205095842_segment_names` the
 * `segment_names` rows its events give, as a rebuild would, without a rebuild.
 *
 * `segment_names` holds, per (segment, customer), the latest name that customer's events
 * reported. The migration could not tell the reports apart (the old `segments` row kept only the
 * segment's latest name, and reading the bodies is the catalog's job, not SQL's), so it carried
 * each segment's name over as one row under the source id `''`, which no event gives: `verify`
 * found those rows, and the missing reports of every other customer, as differences. Here each
 * segment event is read with the catalog and its report written with the live upsert (a
 * last-writer-wins register, so workers projecting meanwhile and a run cut short and repeated
 * are harmless), then the `''` rows go. The segment's name, the latest of its reports, is the
 * same throughout: the `''` row's report is its reporting customer's latest one too.
 *
 * Idempotent and cheap once done: the live projection never writes a `''` row, so a store
 * without one has nothing to replace. `pnpm mirror migrate` runs it after the migrations.
 */
export async function replaceCarriedOverSegmentNames(db: SqlClient): Promise<CarriedOverSegmentNames> {
  const [found] = await db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM segment_names WHERE source_id = ''`,
  );
  const carriedOver = Number(found?.n ?? 0);
  if (carriedOver === 0) return { carriedOver, events: 0 };
  let events = 0;
  let after = 0n;
  for (;;) {
    const batch = await db.$queryRawUnsafe<StoredSegmentEvent[]>(
      `SELECT seq, receipt_stamp, idempotency_key, received_at, raw_body, origin::text AS origin
       FROM events WHERE name = ANY ($1::text[]) AND seq > $2::bigint ORDER BY seq LIMIT $3::int`,
      SEGMENT_EVENTS,
      after.toString(),
      String(BATCH_SIZE),
    );
    const last = batch.at(-1);
    if (last === undefined) break;
    const reports = new ChangeSet();
    for (const stored of batch) {
      const { changes } = readBody({
        rawBody: stored.raw_body,
        origin: stored.origin,
        meta: {
          receiptStamp: stored.receipt_stamp,
          idempotencyKey: stored.idempotency_key,
          receivedAt: stored.received_at,
        },
      });
      // Only the names: the segment and membership rows of these events are in place already.
      reports.addAll(changes.filter((change) => change.table === 'segment_names'));
    }
    await applyChanges(db, reports);
    events += batch.length;
    after = last.seq;
  }
  await db.$executeRawUnsafe(`DELETE FROM segment_names WHERE source_id = ''`);
  return { carriedOver, events };
}
