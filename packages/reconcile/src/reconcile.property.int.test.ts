import fc from 'fast-check';
import { RehookApiClient } from '@mirror/rehook-api';
import { type FakeRehook, startFakeRehook } from '@mirror/rehook-api/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { runReconcile } from './run-reconcile';
import { deliverCustomerCreated, deliverWalletWebhook, ledgerOf } from './testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const transaction = fc.record({
  type: fc.constantFrom('credit' as const, 'debit' as const),
  points: fc.integer({ min: 1, max: 500 }),
  delivered: fc.boolean(),
  redelivered: fc.boolean(),
});
const history = fc.record({
  pageSize: fc.integer({ min: 1, max: 6 }),
  order: fc.constantFrom('newest-first' as const, 'oldest-first' as const),
  customers: fc.array(fc.array(fc.array(transaction, { maxLength: 14 }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 4,
  }),
});

let round = 0;

describe('reconcile (property)', () => {
  it('after one run the mirror ledger equals Rehook for every customer, and a second run appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ pageSize, order, customers }) => {
        round += 1;
        const fake: FakeRehook = await startFakeRehook({ pageSize, order });
        try {
          const ids: string[] = [];
          const webhooks: (() => Promise<unknown>)[] = [];
          for (const [c, wallets] of customers.entries()) {
            const sourceId = `r${round}@c${c}`;
            ids.push(sourceId);
            fake.customer(sourceId, `cust_r${round}_${c}`);
            await deliverCustomerCreated(db.prisma, sourceId, `cust_r${round}_${c}`);
            for (const [w, txs] of wallets.entries()) {
              const wallet = fake.wallet(sourceId, `waty_r${round}_${c}_${w}`);
              for (const [t, tx] of txs.entries()) {
                const record = {
                  transaction_id: `trhi_r${round}_${c}_${w}_${t}`,
                  type: tx.type,
                  points: tx.points,
                };
                wallet.transactions.push(record);
                if (tx.delivered) webhooks.push(() => deliverWalletWebhook(db.prisma, sourceId, record));
                if (tx.delivered && tx.redelivered)
                  webhooks.push(() => deliverWalletWebhook(db.prisma, sourceId, record));
              }
            }
          }
          // Deliveries in an order unrelated to the wallets' (a fixed shuffle keeps runs reproducible).
          for (const deliver of webhooks.reverse()) await deliver();

          const api = new RehookApiClient({
            baseUrl: fake.url,
            apiKey: fake.apiKey,
            apiSecret: fake.apiSecret,
          });
          const deps = { prisma: db.prisma, databaseUrl: db.url, api };
          const first = await runReconcile(deps, { customers: ids });
          expect(first).toMatchObject({ status: 'succeeded', driftItems: 0 });
          for (const sourceId of ids) {
            const expected = (fake.customers.get(sourceId)?.wallets ?? [])
              .flatMap((w) => w.transactions.map((t) => `${t.type}:${t.transaction_id}:${t.points}`))
              .sort();
            expect(await ledgerOf(db.prisma, sourceId)).toEqual(expected);
          }
          const second = await runReconcile(deps, { customers: ids });
          expect(second).toMatchObject({ status: 'succeeded', eventsAppended: 0, driftItems: 0 });
        } finally {
          await fake.close();
        }
      }),
      { numRuns: 15, seed: 1405 },
    );
  });
});
