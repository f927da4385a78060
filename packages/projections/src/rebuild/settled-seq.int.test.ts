import type { PrismaClient } from '@mirror/db';
import { holdInTransaction } from '../../../../test/support/hold-in-transaction';
import { deliveryOf, fixtureBody } from '../../../../test/support/deliveries';
import { freshDatabasePerTest } from '../../../../test/support/fresh-database';
import { waitUntil } from '../../../../test/support/test-queue';
import { LOCK_SHARED_SQL } from '../projection-lock';
import { recordEvents } from '../record-events';
import { settledSeq } from './settled-seq';

// Fresh databases take seconds on a loaded machine.
jest.setTimeout(120_000);

const db = freshDatabasePerTest();

async function countUpTo(prisma: PrismaClient, seq: bigint): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
    'SELECT count(*) AS n FROM events WHERE seq <= $1::bigint',
    seq.toString(),
  );
  return Number(row?.n ?? 0);
}

/** Whether some backend of this database waits for an advisory lock. */
async function waitsForAdvisoryLock(prisma: PrismaClient): Promise<boolean> {
  const rows = await prisma.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
  );
  return rows.length > 0;
}

describe('settledSeq', () => {
  it('waits for an append that drew a lower seq and commits after a higher one', async () => {
    // An append as every live writer makes it (the shared projection lock, then the insert),
    // left uncommitted: it holds the first seq.
    const slow = await holdInTransaction(
      db.prisma,
      `WITH projection_lock AS (${LOCK_SHARED_SQL})
       INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
       SELECT 'slow', 1, now(), 'KMN@123', 'projected', '{}' FROM projection_lock`,
    );
    // A later append commits first, with a higher seq: the highest visible seq hides the gap.
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 2)]);
    const [visible] = await db.prisma.$queryRawUnsafe<{ max: bigint; n: bigint }[]>(
      'SELECT max(seq) AS max, count(*) AS n FROM events',
    );
    expect(visible?.n).toBe(1n);

    const settling = settledSeq(db.prisma);
    await waitUntil(() => waitsForAdvisoryLock(db.prisma), 30_000, 'settledSeq waiting for the slow append');
    await slow.release();

    const upTo = await settling;
    expect(upTo).toBe(visible?.max);
    expect(await countUpTo(db.prisma, upTo)).toBe(2);
  });
});
