import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../../../../test/support/deliver';
import { walletEvent, walletReward } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';
import type { WalletHistoryEntry } from '../schemas/wallet';

let db: TestDatabase;
let api: TestApi;

const ID = 'HIST@1';
const entry = (direction: 'credit' | 'debit', transactionId: string, points: number, createdAt: string) =>
  walletEvent({ direction, sourceId: ID, transactionId, points, createdAt });

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  // Received in this order; the payload times say otherwise (the history follows receipt).
  await deliverer.deliver([
    entry('credit', 'trhi_h1', 100, '2026-01-03T00:00:00Z'),
    entry('debit', 'trhi_h2', 30, '2026-01-01T00:00:00Z'),
    // The same transaction reported again by a wallet reward: counted once.
    walletReward({ sourceId: ID, transactionId: 'trhi_h1', points: 100, redemptionId: 'redm_h1' }),
    entry('credit', 'trhi_h3', 12.5, '2026-01-02T00:00:00Z'),
    entry('debit', 'trhi_h4', 2.5, '2026-01-04T00:00:00Z'),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/customers/{sourceId}/wallet/history', () => {
  it('gives the balance after each ledger entry in receipt order, page by page', async () => {
    const { items, pages } = await allPages<WalletHistoryEntry>(api, 'listWalletHistory', {
      params: { sourceId: ID },
      limit: 1,
    });
    expect(pages).toBe(4);
    expect(items.map((i) => [i.transactionId, i.direction, i.points, i.balance])).toEqual([
      ['trhi_h1', 'credit', 100, 100],
      ['trhi_h2', 'debit', 30, 70],
      ['trhi_h3', 'credit', 12.5, 82.5],
      ['trhi_h4', 'debit', 2.5, 80],
    ]);
    const receivedAt = items.map((i) => i.receivedAt);
    expect([...receivedAt].sort()).toEqual(receivedAt);
    const doc = await api.call<{ wallet: { balance: number } }>('getCustomer', { params: { sourceId: ID } });
    expect(doc.body.wallet.balance).toBe(items.at(-1)?.balance);
  });

  it('answers 404 for a customer never named', async () => {
    expect((await api.call('listWalletHistory', { params: { sourceId: 'nobody' } })).status).toBe(404);
  });
});
