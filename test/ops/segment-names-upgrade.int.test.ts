// A store written before segment_names, upgraded as an operator upgrades it (`mirror migrate`):
// `verify` finds its read models right without a rebuild.
import type { PrismaClient } from '@mirror/db';
import { readMigrations } from '@mirror/db/migrations';
import { recordEvents, TABLE_ORDER } from '@mirror/projections';
import { runVerify } from '@mirror/verify';
import { createDatabaseAtMigration, type DatabaseAtMigration } from '../support/database-at-migration';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliveryOf } from '../support/deliveries';
import * as b from '@mirror/rehook-bodies';
import { runMirror } from './support/processes';

// `mirror migrate` is a process of its own (tsx): tens of seconds on a loaded machine.
jest.setTimeout(300_000);

const SEGMENT_NAMES = '20261205095842_segment_names';
const names = readMigrations().map((m) => m.name);
/** The last migration before segment_names: the schema the store was written under. */
const BEFORE = names[names.indexOf(SEGMENT_NAMES) - 1] ?? '';

/** A table's rows as JSON objects, in key order (columns as Postgres prints them). */
async function rowsOf(prisma: PrismaClient, table: string): Promise<unknown[]> {
  const [row] = await prisma.$queryRawUnsafe<{ rows: unknown[] | null }[]>(
    `SELECT json_agg(t ORDER BY t) AS rows FROM "${table}" t`,
  );
  return row?.rows ?? [];
}

/**
 * Gives `old` (at the schema before segment_names) the store and read models that the version of
 * that time kept for the events of `current`: the same events and rows, and each segment's name,
 * stamp and key on its `segments` row, its latest report (that version's last-writer-wins).
 */
async function copyAsWrittenBeforeSegmentNames(current: PrismaClient, old: PrismaClient): Promise<void> {
  for (const table of ['events', ...TABLE_ORDER.filter((t) => t !== 'segment_names')]) {
    const rows = await rowsOf(current, table);
    await old.$executeRawUnsafe(
      `INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`,
      JSON.stringify(rows),
    );
  }
  await old.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('events', 'seq'), max(seq)) FROM events`);
  const [latest] = await current.$queryRawUnsafe<{ rows: unknown[] }[]>(
    `SELECT json_agg(n) AS rows FROM (
       SELECT DISTINCT ON (segment_id) segment_id, name, stamp, stamp_key FROM segment_names
       ORDER BY segment_id, stamp DESC, stamp_key COLLATE "C" DESC) n`,
  );
  await old.$executeRawUnsafe(
    `UPDATE segments s SET name = n.name, name_stamp = n.stamp, name_key = n.stamp_key
     FROM json_to_recordset($1::json) AS n(segment_id text, name text, stamp bigint, stamp_key text)
     WHERE s.segment_id = n.segment_id`,
    JSON.stringify(latest?.rows ?? []),
  );
}

describe('a store written before segment_names, upgraded by mirror migrate', () => {
  let current: TestDatabase;
  let old: DatabaseAtMigration;

  beforeAll(async () => {
    current = await createTestDatabase();
    old = await createDatabaseAtMigration(BEFORE);
  });

  afterAll(async () => {
    await current?.drop();
    await old?.drop();
  });

  it('passes verify in every mode without a rebuild, with the rows a rebuild gives', async () => {
    // Given two customers' reports of one segment's name (KMN@123's is the latest) and of another.
    await recordEvents(
      current.prisma,
      [
        b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_vip', segmentName: 'VIP' }),
        b.segmentEvent({
          kind: 'entered',
          sourceId: 'PLO@456',
          segmentId: 'sgmt_vip',
          segmentName: 'Very important',
        }),
        b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 5 }),
        b.segmentEvent({ kind: 'left', sourceId: 'KMN@123', segmentId: 'sgmt_vip', segmentName: 'VIP club' }),
        b.segmentEvent({
          kind: 'entered',
          sourceId: 'PLO@456',
          segmentId: 'sgmt_new',
          segmentName: 'Newcomers',
        }),
      ].map((body, i) => deliveryOf(body, i)),
      { origin: 'webhook' },
    );
    await copyAsWrittenBeforeSegmentNames(current.prisma, old.prisma);

    // The SQL of the migrations alone (as `prisma migrate deploy` applies them) carries each
    // segment's latest name over under the source id '', which no event gives.
    await old.migrateRest();
    expect(await rowsOf(old.prisma, 'segment_names')).toMatchObject([
      { segment_id: 'sgmt_new', source_id: '', name: 'Newcomers' },
      { segment_id: 'sgmt_vip', source_id: '', name: 'VIP club' },
    ]);
    // verify finds those rows, and every customer's report missing.
    const carried = await runVerify({ prisma: old.prisma, all: true });
    expect(carried.differences.map((d) => [d.table, d.row]).sort()).toEqual([
      ['segment_names', 'segment_id=sgmt_new, source_id='],
      ['segment_names', 'segment_id=sgmt_new, source_id=PLO@456'],
      ['segment_names', 'segment_id=sgmt_vip, source_id='],
      ['segment_names', 'segment_id=sgmt_vip, source_id=KMN@123'],
      ['segment_names', 'segment_id=sgmt_vip, source_id=PLO@456'],
    ]);

    // A worker of the new version projects a later report meanwhile (into both stores).
    const later = deliveryOf(
      b.segmentEvent({ kind: 'entered', sourceId: 'PLO@456', segmentId: 'sgmt_vip', segmentName: 'Gold' }),
      5,
    );
    for (const store of [current, old]) await recordEvents(store.prisma, [later], { origin: 'webhook' });

    // When the operator runs mirror migrate (its SQL is all applied: what is left is the names).
    const env = { DATABASE_URL: old.url };
    const migrated = await runMirror(['migrate'], env);
    expect(migrated).toMatchObject({ code: 0 });
    expect(migrated.stdout).toContain(
      'segment_names: the 2 name(s) that 20261205095842_segment_names carried over replaced by the reports of 5 segment event(s)',
    );

    // Then the rows are those of a store that never had the old schema, and verify passes.
    expect(await rowsOf(old.prisma, 'segment_names')).toEqual(await rowsOf(current.prisma, 'segment_names'));
    for (const run of [
      await runVerify({ prisma: old.prisma, all: true }),
      await runVerify({ prisma: old.prisma, customers: ['KMN@123', 'PLO@456'] }),
      await runVerify({ prisma: old.prisma, sample: 2 }),
    ]) {
      expect({ mode: run.mode, status: run.status, differences: run.differences }).toEqual({
        mode: run.mode,
        status: 'passed',
        differences: [],
      });
    }

    // And the next migrate has nothing to replace.
    const again = await runMirror(['migrate'], env);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).not.toContain('segment_names');
  });
});
