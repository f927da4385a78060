import type { PrismaClient } from '@mirror/db';
import type { SqlClient } from '@mirror/event-store';
import { LOCK_EXCLUSIVE_SQL } from '../projection-lock';

/**
 * The highest `seq` below which every event is committed, in a transaction that holds the
 * projection lock exclusively (the rebuild's switch, which keeps it to the end). A `seq` is
 * drawn at insert, not at commit, so the highest visible one alone could hide a lower one still
 * to commit. Every append takes the lock shared before it draws a `seq` and keeps it until it
 * commits (see `record-events.ts`), so once the lock is granted no append is in flight: each
 * one that drew a `seq` has committed or rolled back, and the next statement's snapshot sees
 * all the committed ones. New appends queue behind the exclusive request, and their `seq`s,
 * drawn after it, are higher.
 */
export async function maxSeqUnderLock(tx: SqlClient): Promise<bigint> {
  await tx.$executeRawUnsafe(LOCK_EXCLUSIVE_SQL);
  const [row] = await tx.$queryRawUnsafe<{ seq: bigint }[]>(
    'SELECT COALESCE(max(seq), 0)::bigint AS seq FROM events',
  );
  return row?.seq ?? 0n;
}

/**
 * {@link maxSeqUnderLock} in a transaction of its own, which lets the lock go at once: appends
 * wait only for the appends that were in flight when it asked.
 */
export async function settledSeq(db: Pick<PrismaClient, '$transaction'>): Promise<bigint> {
  return db.$transaction(async (tx) => maxSeqUnderLock(tx));
}
