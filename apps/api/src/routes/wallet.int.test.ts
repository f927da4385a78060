import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { CustomerDocument } from '../schemas/customers';
import type { WalletTransaction } from '../schemas/wallet';
import { Deliverer } from '../../../../test/support/deliver';
import { signup, walletEvent, walletReward } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const CUSTOMER = 'a+b c@wallet';
const CREDITS = 17;

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i, 12)).toISOString();
  await deliverer.deliver([
    ...Array.from({ length: CREDITS }, (_, i) =>
      walletEvent({
        direction: 'credit',
        sourceId: CUSTOMER,
        transactionId: `tx_${i}`,
        points: 10 + i,
        createdAt: day(i),
      }),
    ),
    walletEvent({
      direction: 'debit',
      sourceId: CUSTOMER,
      transactionId: 'tx_debit',
      points: 25,
      createdAt: day(30),
    }),
    // The same transaction reported twice: as a wallet reward and as wallet.credited.
    walletReward({ sourceId: CUSTOMER, transactionId: 'tx_0', redemptionId: 'redm_w0', points: 10 }),
    signup({ sourceId: 'no-wallet', customerId: 'cust_nw' }),
  ]);
  // A redelivery changes nothing.
  await deliverer.deliver([
    walletEvent({
      direction: 'credit',
      sourceId: CUSTOMER,
      transactionId: 'tx_1',
      points: 11,
      createdAt: day(1),
    }),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/customers/{sourceId}/wallet/transactions', () => {
  it('pages through the ledger in time order, each transaction and direction once', async () => {
    const { items, pages } = await allPages<WalletTransaction>(api, 'listWalletTransactions', {
      params: { sourceId: CUSTOMER },
      limit: 5,
    });
    expect(pages).toBe(4);
    expect(items).toHaveLength(CREDITS + 1);
    expect(items[0]).toEqual({
      transactionId: 'tx_0',
      direction: 'credit',
      points: 10,
      description: 'Wallet points have been successfully credited to your account.',
      occurredAt: '2024-01-01T12:00:00.000Z',
    });
    expect(items.at(-1)).toMatchObject({ transactionId: 'tx_debit', direction: 'debit', points: 25 });
    const occurred = items.map((t) => t.occurredAt);
    expect(occurred).toEqual([...occurred].sort());
  });

  it('agrees with the balance of the customer document', async () => {
    const doc = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: CUSTOMER } });
    const credited = Array.from({ length: CREDITS }, (_, i) => 10 + i).reduce((a, b) => a + b, 0);
    expect(doc.body.wallet).toEqual({
      balance: credited - 25,
      credited,
      debited: 25,
      pendingRewardPoints: 0,
    });
  });

  it('answers an empty page for a customer without wallet activity', async () => {
    const res = await api.call('listWalletTransactions', { params: { sourceId: 'no-wallet' } });
    expect(res).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('answers 404 for a customer no event has named', async () => {
    expect((await api.call('listWalletTransactions', { params: { sourceId: 'ghost' } })).status).toBe(404);
  });

  it('answers 400 for a cursor of another list and for a bad limit', async () => {
    const foreign = Buffer.from(JSON.stringify({ l: 'customers', k: ['x'] })).toString('base64url');
    const bad = await api.call('listWalletTransactions', {
      params: { sourceId: CUSTOMER },
      query: { cursor: foreign },
    });
    expect(bad.status).toBe(400);
    const badTime = Buffer.from(
      JSON.stringify({ l: 'wallet-transactions', k: ['yesterday', 'a', 'b'] }),
    ).toString('base64url');
    expect(
      (
        await api.call('listWalletTransactions', {
          params: { sourceId: CUSTOMER },
          query: { cursor: badTime },
        })
      ).status,
    ).toBe(400);
    expect(
      (await api.call('listWalletTransactions', { params: { sourceId: CUSTOMER }, query: { limit: -1 } }))
        .status,
    ).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect(
      (await api.call('listWalletTransactions', { params: { sourceId: CUSTOMER }, token: null })).status,
    ).toBe(401);
  });
});
