import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../test-support/deliver';
import { segmentEvent, signup, walletEvent } from '../test-support/rehook-bodies';
import { queuePrefixFor } from '../test-support/scenario';
import { startTestApi, type TestApi } from '../test-support/test-api';
import type { CustomerDocument } from '../schemas/customers';

let db: TestDatabase;
let api: TestApi;
let beforeFirst: string;
let between: string;

const ID = 'TT@1';
const credit = (transactionId: string, points: number) =>
  walletEvent({
    direction: 'credit',
    sourceId: ID,
    transactionId,
    points,
    createdAt: '2026-01-01T00:00:00Z',
  });

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  beforeFirst = new Date(Date.now() - 1).toISOString();
  await sleep(5);
  await deliverer.deliver([
    signup({ sourceId: ID, customerId: 'cust_tt1', properties: { tier: 'silver' } }),
    credit('trhi_tt_1', 10),
    segmentEvent({ kind: 'entered', sourceId: ID, segmentId: 'sgmt_tt', segmentName: 'Time travellers' }),
  ]);
  await sleep(5);
  between = new Date().toISOString();
  await sleep(5);
  await deliverer.deliver([
    signup({ sourceId: ID, customerId: 'cust_tt1', properties: { tier: 'gold' } }),
    credit('trhi_tt_2', 5),
    segmentEvent({ kind: 'left', sourceId: ID, segmentId: 'sgmt_tt', segmentName: 'Time travellers' }),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('?asOf on the customer routes', () => {
  it('answers the customer document as it was at that instant, in the live shape', async () => {
    const res = await api.call<CustomerDocument>('getCustomer', {
      params: { sourceId: ID },
      query: { asOf: between },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sourceId: ID,
      rehookCustomerId: 'cust_tt1',
      properties: { tier: 'silver' },
      eventCount: 3,
      wallet: { balance: 10, credited: 10, debited: 0 },
      segments: [{ segmentId: 'sgmt_tt', name: 'Time travellers' }],
    });
    const live = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: ID } });
    expect(live.body).toMatchObject({ properties: { tier: 'gold' }, eventCount: 6, segments: [] });
  });

  it('answers the live document for an instant in the future', async () => {
    const live = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: ID } });
    const future = await api.call<CustomerDocument>('getCustomer', {
      params: { sourceId: ID },
      query: { asOf: '2999-12-31T23:59:59+05:30' },
    });
    expect(future.status).toBe(200);
    expect(future.body).toEqual(live.body);
  });

  it('answers 404 before the first event, and the ledger as it was', async () => {
    const doc = await api.call('getCustomer', { params: { sourceId: ID }, query: { asOf: beforeFirst } });
    expect(doc.status).toBe(404);
    const ledger = await api.call('listWalletTransactions', {
      params: { sourceId: ID },
      query: { asOf: beforeFirst },
    });
    expect(ledger.status).toBe(404);
    const then = await api.call<{ items: { transactionId: string }[] }>('listWalletTransactions', {
      params: { sourceId: ID },
      query: { asOf: between },
    });
    expect(then.body.items.map((i) => i.transactionId)).toEqual(['trhi_tt_1']);
  });

  it('answers 400 with a problem document for a malformed instant', async () => {
    for (const asOf of ['yesterday', '2026-03-31', '2026-03-31T23:59:59', '2026-02-30T00:00:00Z']) {
      const res = await api.call<{ status: number; issues: { path: string }[] }>('getCustomer', {
        params: { sourceId: ID },
        query: { asOf },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.issues.map((i) => i.path)).toEqual(['query.asOf']);
    }
  });
});
