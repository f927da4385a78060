import fc from 'fast-check';
import type { PrismaClient } from '@mirror/db';
import { CustomerFolds, rebuildReadModels } from '@mirror/projections';
import { stampAt } from '../../../../test/support/deliveries';
import { generatedDeliveries, type GeneratedDelivery } from '../../../../test/support/event-arbitrary';
import * as b from '@mirror/rehook-bodies';
import type { RehookBody } from '@mirror/rehook-bodies';
import { createTestDatabase } from '../../../../test/support/database';
import { recordSequentially } from '../../../../test/support/record-all';
import { findCustomerDocument } from '../queries/customers';
import { listCustomerCoupons } from '../queries/coupons';
import { findCustomerReferrals } from '../queries/referrals';
import { listCustomerSegments } from '../queries/segments';
import { listWalletHistory, listWalletTransactions } from '../queries/wallet';
import { readAsOf } from './read-as-of';

// Each run clones a database and rebuilds once per cut: minutes on a loaded machine.
jest.setTimeout(600_000);

// The generator's universe (test/support/event-arbitrary.ts), plus one it never names.
const SOURCE_IDS = ['KMN@123', 'KRISH@123', 'New_customer24', 'nobody'];

/** Everything per customer that answers as of an instant. */
interface CustomerView {
  doc: unknown;
  wallet: unknown;
  history: unknown;
  coupons: unknown;
  segments: unknown;
  referrals: unknown;
}

async function viewOf(
  prisma: PrismaClient,
  sourceId: string,
  asOf: Date | undefined,
  folds?: CustomerFolds,
): Promise<CustomerView> {
  return readAsOf({ prisma, ...(folds !== undefined && { folds }) }, sourceId, asOf, async (at) => {
    const doc = await findCustomerDocument(at, sourceId);
    return {
      doc: doc === null ? null : (JSON.parse(doc.text) as unknown),
      wallet: await listWalletTransactions(at, sourceId, { limit: 1000 }),
      history: await listWalletHistory(at, sourceId, { limit: 1000 }),
      coupons: await listCustomerCoupons(at, sourceId),
      segments: await listCustomerSegments(at, sourceId),
      referrals: await findCustomerReferrals(at, sourceId),
    };
  });
}

/** Deliveries of `bodies` in this order, stamped as the generator stamps them. */
function delivered(bodies: readonly [RehookBody, GeneratedDelivery['origin']][]): GeneratedDelivery[] {
  return bodies.map(([body, origin], i) => ({
    origin,
    delivery: {
      rawBody: JSON.stringify(body),
      idempotencyKey: `delivery:example-${i}`,
      receiptStamp: stampAt(i).toString(),
      receivedAt: Number(stampAt(i) / 1000n),
    },
  }));
}

// Rows that another customer's report can own: random histories reach these rarely, so they
// run first, every time. The first report of a ledger entry or a webhook reward decides whose
// it is (live and rebuild alike), and a fulfilment may name no customer at all.
const UNDER_TWO_CUSTOMERS = delivered([
  [
    b.walletEvent({ direction: 'credit', sourceId: 'KRISH@123', transactionId: 'trhi_1', points: 10 }),
    'webhook',
  ],
  [
    b.walletReward({ sourceId: 'KMN@123', transactionId: 'trhi_1', points: 12.5, redemptionId: 'redm_3' }),
    'webhook',
  ],
  [b.walletEvent({ direction: 'debit', sourceId: 'KMN@123', transactionId: 'trhi_2', points: 1 }), 'webhook'],
  [
    b.walletEvent({ direction: 'debit', sourceId: 'New_customer24', transactionId: 'trhi_2', points: 100 }),
    'webhook',
  ],
  [b.webhookReward({ sourceId: 'KMN@123', redemptionId: 'redm_1', points: 100 }), 'webhook'],
  [b.webhookReward({ sourceId: 'KRISH@123', redemptionId: 'redm_1', points: 1 }), 'webhook'],
  [b.webhookReward({ sourceId: 'New_customer24', redemptionId: 'redm_2', points: 10 }), 'webhook'],
  [b.rewardFulfilled({ redemptionId: 'redm_2' }), 'mirror'],
  [b.webhookReward({ sourceId: 'KRISH@123', redemptionId: 'redm_2', points: 0.0001 }), 'webhook'],
]);

// A rollback that comes before its redemption and names another code: the holder of the
// redeemed coupon learns of it only through the redemption id (found by fast-check, seed 244000291).
const ROLLBACK_UNDER_ANOTHER_CODE = delivered([
  [
    b.couponRewarded({ sourceId: 'KRISH@123', code: 'SUMMER5', redemptionId: 'redm_cpn_SUMMER5_KRISH@123' }),
    'webhook',
  ],
  [b.couponRollback({ sourceId: 'KMN@123', code: 'DIWALI123', redemptionId: 'redm_3' }), 'webhook'],
  [b.couponRedeemed({ sourceId: 'KMN@123', code: 'SUMMER5', redemptionId: 'redm_3' }), 'webhook'],
  [b.customerCreated({ sourceId: 'KMN@123', customerId: 'cust_kmn' }), 'webhook'],
]);

/** The instants to cut `deliveries` at, from before the first to after the last, increasing. */
function cutsOf(deliveries: readonly GeneratedDelivery[], at: readonly number[]): Date[] {
  const received = deliveries.map((d) => d.delivery.receivedAt);
  const first = Math.min(...received);
  const last = Math.max(...received);
  return [...new Set(at.map((x) => Math.floor(first - 1 + x * (last - first + 2))))]
    .sort((a, b) => a - b)
    .map((ms) => new Date(ms));
}

/**
 * What a rebuild over only the events received at or before each cut answers, live. The store
 * is append-only, so one database serves every cut of a history, in increasing order.
 */
async function rebuiltViews(
  deliveries: readonly GeneratedDelivery[],
  cuts: readonly Date[],
): Promise<CustomerView[][]> {
  const db = await createTestDatabase();
  try {
    const expected: CustomerView[][] = [];
    let recorded = -Infinity;
    for (const cut of cuts) {
      const between = (d: GeneratedDelivery) =>
        d.delivery.receivedAt > recorded && d.delivery.receivedAt <= cut.getTime();
      await recordSequentially(db.prisma, deliveries.filter(between));
      recorded = cut.getTime();
      await rebuildReadModels(db.prisma);
      expected.push(await Promise.all(SOURCE_IDS.map((id) => viewOf(db.prisma, id, undefined))));
    }
    return expected;
  } finally {
    await db.drop();
  }
}

describe('readAsOf', () => {
  // Histories over a few customers collide on every natural key: a wallet transaction, a
  // webhook reward or a coupon reported under two customers, a segment named by several.
  // Answers come from kept folds (a checkpoint every two events of a customer) that late
  // events, stored after the folds were kept but received before their instants, make stale.
  it('answers as of T exactly what a rebuild over only the events received at or before T answers, late events included', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedDeliveries(30),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        async (deliveries, at, lateFlags) => {
          const cuts = cutsOf(deliveries, at);
          // Only an event delivered once can come late: which delivery of an event is stored
          // first decides its stamp, and the rebuilds below store them in delivery order.
          const keys = deliveries.map((d) => d.delivery.idempotencyKey);
          const late = deliveries.filter(
            (d, i) =>
              lateFlags[i % lateFlags.length] === true &&
              keys.indexOf(d.delivery.idempotencyKey) === keys.lastIndexOf(d.delivery.idempotencyKey),
          );
          const onTime = deliveries.filter((d) => !late.includes(d));
          const beforeLate = await rebuiltViews(onTime, cuts);
          const afterLate = await rebuiltViews(deliveries, cuts);
          const db = await createTestDatabase();
          try {
            const folds = new CustomerFolds({ eventsPerCheckpoint: 2 });
            const views = (cut: Date, kept?: CustomerFolds) =>
              Promise.all(SOURCE_IDS.map((id) => viewOf(db.prisma, id, cut, kept)));
            await recordSequentially(db.prisma, onTime);
            for (const [i, cut] of cuts.entries()) {
              expect({ cut, views: await views(cut, folds) }).toEqual({ cut, views: beforeLate[i] });
            }
            await recordSequentially(db.prisma, late);
            for (const [i, cut] of cuts.entries()) {
              expect({ cut, late: late.length, views: await views(cut, folds) }).toEqual({
                cut,
                late: late.length,
                views: afterLate[i],
              });
              expect({ cut, views: await views(cut) }).toEqual({ cut, views: afterLate[i] });
            }
          } finally {
            await db.drop();
          }
        },
      ),
      {
        numRuns: 12,
        examples: [
          [UNDER_TWO_CUSTOMERS, [0.5, 1], [false]],
          [UNDER_TWO_CUSTOMERS, [0.3, 0.7], [false, true, false]],
          [ROLLBACK_UNDER_ANOTHER_CODE, [0.6], [false]],
        ],
      },
    );
  });
});
