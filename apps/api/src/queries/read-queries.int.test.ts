import type { PrismaClient } from '@mirror/db';
import { Prisma } from '@mirror/db';
import { TABLE_ORDER } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../../../../test/support/deliver';
import {
  couponRewarded,
  leaderboardAwarded,
  orderSuccess,
  referralAdvocate,
  segmentEvent,
  signup,
  type RehookBody,
  walletEvent,
  webhookReward,
} from '@mirror/rehook-bodies';
import { deliverAllFixtures, queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
/** Every statement the API sent to Postgres, in order. */
const statements: Prisma.Sql[] = [];

/** A long history for one customer: every kind of event the customer document reads. */
function history(sourceId: string, n: number): RehookBody[] {
  return Array.from({ length: n }, (_, i): RehookBody => {
    switch (i % 7) {
      case 0:
        return walletEvent({
          direction: 'credit',
          sourceId,
          transactionId: `tx_${i}`,
          points: 5,
          createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
        });
      case 1:
        return orderSuccess({ sourceId, total: 10, orderNo: i });
      case 2:
        return couponRewarded({ code: `C${i}`, sourceId, redemptionId: `redm_c${i}` });
      case 3:
        return segmentEvent({ kind: 'entered', sourceId, segmentId: `sgmt_${i}` });
      case 4:
        return webhookReward({ sourceId, redemptionId: `redm_w${i}`, points: 3 });
      case 5:
        return leaderboardAwarded({
          sourceId,
          campaignId: `camp_${i}`,
          leaderboardId: 'lb',
          rank: 1,
          points: 1,
        });
      default:
        return referralAdvocate({
          sourceId,
          advocateId: `cust_${sourceId}`,
          friendId: `cust_f${i}`,
          campaignId: 'camp_ref',
          points: 2,
        });
    }
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverAllFixtures(deliverer);
  await deliverer.deliver([
    signup({ sourceId: 'short', customerId: 'cust_short' }),
    signup({ sourceId: 'long', customerId: 'cust_long' }),
    ...history('long', 350),
  ]);
  // Counts every operation the app sends through Prisma, raw or typed, inside transactions too.
  const counted = db.prisma.$extends({
    query: {
      $allOperations({ args, query }) {
        if (args instanceof Prisma.Sql) statements.push(args);
        else statements.push(Prisma.sql`-- not raw SQL`);
        return query(args);
      },
    },
  });
  // The extended client has the same methods; its type differs only by the extension.
  api = await startTestApi(counted as unknown as PrismaClient, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function statementsOf(run: () => Promise<unknown>): Promise<Prisma.Sql[]> {
  const before = statements.length;
  await run();
  return statements.slice(before);
}

describe('the customer document', () => {
  it('is read in one statement whatever the length of the history', async () => {
    const short = await statementsOf(() => api.call('getCustomer', { params: { sourceId: 'short' } }));
    const long = await statementsOf(async () => {
      const res = await api.call<{ eventCount: number; coupons: unknown[] }>('getCustomer', {
        params: { sourceId: 'long' },
      });
      expect(res.body.eventCount).toBe(351);
      expect(res.body.coupons).toHaveLength(50);
    });
    expect(short).toHaveLength(1);
    expect(long).toHaveLength(1);
  });
});

describe('every read', () => {
  /** Tables whose size grows with the traffic: reading them must go through an index. */
  // The event store and every read model (the order a transaction writes them in is irrelevant here).
  const BIG_TABLES: readonly string[] = ['events', ...TABLE_ORDER];

  interface PlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    'Index Cond'?: string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }

  /**
   * The scans of big tables that read more than an index range: with sequential scans priced
   * out, every scan of a big table must be an index scan with an index condition (a lookup or a
   * range), a bitmap scan (whose index scans have conditions), or an index scan in index order
   * under a LIMIT (the first page of a list). A full scan of an index is not an indexed read.
   */
  async function unboundedScans(sql: Prisma.Sql): Promise<string[]> {
    const rows = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (FORMAT JSON) ${sql.text}`,
        ...sql.values,
      );
    });
    const found: string[] = [];
    const walk = (node: PlanNode, underLimit: boolean) => {
      const table = node['Relation Name'];
      if (table !== undefined && BIG_TABLES.includes(table)) {
        const type = node['Node Type'];
        const bounded =
          type === 'Bitmap Heap Scan' ||
          ((type === 'Index Scan' || type === 'Index Only Scan') &&
            (node['Index Cond'] !== undefined || underLimit));
        if (!bounded)
          found.push(`${type} on ${table}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
      }
      // A sort between a LIMIT and a scan means the scan reads everything first.
      const limited = node['Node Type'] === 'Limit' || (underLimit && node['Node Type'] !== 'Sort');
      for (const child of node.Plans ?? []) walk(child, limited);
    };
    walk(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode, false);
    return found;
  }

  it('sees the one read that scans a whole table: the event counts of /v1/stats', async () => {
    const sent = await statementsOf(() => api.call('getStats'));
    const scans = (await Promise.all(sent.map(unboundedScans))).flat();
    expect(scans).toEqual([expect.stringContaining('on events')]);
  });

  it.each([
    ['getCustomer', { params: { sourceId: 'long' } }],
    ['listCustomers', { query: { limit: 3 } }],
    ['listCustomers', { query: { segmentId: 'sgmt_3', limit: 3 } }],
    ['listWalletTransactions', { params: { sourceId: 'long' }, query: { limit: 3 } }],
    ['listCustomerEvents', { params: { sourceId: 'long' }, query: { limit: 3 } }],
    ['listEvents', { query: { status: 'invalid', limit: 3 } }],
    ['listEvents', { query: { name: 'signup', limit: 3 } }],
    ['listEvents', { query: { after: '0'.repeat(32), limit: 3 } }],
    ['getCoupon', { params: { code: 'C2' } }],
    ['listSegments', { query: { limit: 3 } }],
    ['listSegmentMembers', { params: { segmentId: 'sgmt_3' } }],
    ['listReferrals', { query: { advocate: 'long', limit: 3 } }],
    ['listReferrals', { query: { friend: 'cust_f6', limit: 3 } }],
    ['listReferrals', { query: { campaignId: 'camp_ref', limit: 3 } }],
    ['listLeaderboardAwards', { params: { campaignId: 'camp_5' } }],
    ['listPendingRewards', { query: { limit: 3 } }],
    ['listPendingRewards', { query: { sourceId: 'long', limit: 3 } }],
    ['fulfilReward', { params: { redemptionId: 'redm_w4' } }],
  ] as const)('%s %j reads index ranges only', async (operationId, call) => {
    const sent = await statementsOf(async () => {
      const res = await api.call(operationId, call);
      expect(res.status).toBe(200);
    });
    // Fulfilment also writes through recordEvents (its own raw statements): read ones only here.
    const reads = sent.filter((sql) => /^\s*SELECT/i.test(sql.text));
    expect(reads.length).toBeGreaterThan(0);
    for (const sql of reads)
      expect({ sql: sql.text, scans: await unboundedScans(sql) }).toEqual({ sql: sql.text, scans: [] });
  });
});
