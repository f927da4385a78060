import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../../../../test/support/deliver';
import {
  couponRedeemed,
  couponRewarded,
  customerReferred,
  referralAdvocate,
  segmentEvent,
  signup,
  walletEvent,
} from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, type TestApi } from '../../../../test/support/test-api';
import type { CustomerDocument } from '../schemas/customers';
import type { CustomerCouponList } from '../schemas/coupons';
import type { CustomerReferrals } from '../schemas/referrals';
import type { CustomerSegmentList } from '../schemas/segments';

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
  // Deliberate: the clock must move between the deliveries and the instants read as of.
  await sleep(5);
  await deliverer.deliver([
    signup({ sourceId: ID, customerId: 'cust_tt1', profile: { tier: 'silver' } }),
    credit('trhi_tt_1', 10),
    segmentEvent({ kind: 'entered', sourceId: ID, segmentId: 'sgmt_tt', segmentName: 'Time travellers' }),
    couponRewarded({
      code: 'TT_COUPON',
      sourceId: ID,
      redemptionId: 'redm_tt_c',
      campaign: { id: 'camp_tt' },
    }),
    referralAdvocate({
      sourceId: ID,
      advocateId: 'cust_tt1',
      friendId: 'cust_tt_friend',
      campaignId: 'camp_tt_ref',
      points: 25,
    }),
  ]);
  await sleep(5);
  between = new Date().toISOString();
  await sleep(5);
  await deliverer.deliver([
    signup({ sourceId: ID, customerId: 'cust_tt1', profile: { tier: 'gold' } }),
    credit('trhi_tt_2', 5),
    segmentEvent({ kind: 'left', sourceId: ID, segmentId: 'sgmt_tt', segmentName: 'Time travellers' }),
    // Another customer redeems the coupon: its status is shaped by someone else's event.
    couponRedeemed({ code: 'TT_COUPON', sourceId: 'TT@2', redemptionId: 'redm_tt_r' }),
    customerReferred({
      sourceId: 'TT@3',
      friendId: 'cust_tt_friend',
      advocateId: 'cust_tt1',
      campaignId: 'camp_tt_ref',
      code: 'CODE',
    }),
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
      eventCount: 5,
      wallet: { balance: 10, credited: 10, debited: 0 },
      segments: [{ segmentId: 'sgmt_tt', name: 'Time travellers' }],
    });
    const live = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: ID } });
    expect(live.body).toMatchObject({ properties: { tier: 'gold' }, eventCount: 8, segments: [] });
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

describe("?asOf on the customer's coupons, segments and referrals", () => {
  const parts = ['listCustomerCoupons', 'listCustomerSegments', 'getCustomerReferrals'] as const;

  it('answers each part as it was at that instant, and the live part for now and for the future', async () => {
    const coupons = (asOf?: string) =>
      api.call<CustomerCouponList>('listCustomerCoupons', {
        params: { sourceId: ID },
        query: asOf === undefined ? {} : { asOf },
      });
    expect((await coupons(between)).body).toEqual({
      items: [expect.objectContaining({ code: 'TT_COUPON', status: 'assigned', campaignId: 'camp_tt' })],
    });
    expect((await coupons()).body).toEqual({
      items: [expect.objectContaining({ code: 'TT_COUPON', status: 'redeemed' })],
    });

    const segments = (asOf?: string) =>
      api.call<CustomerSegmentList>('listCustomerSegments', {
        params: { sourceId: ID },
        query: asOf === undefined ? {} : { asOf },
      });
    expect((await segments(between)).body).toEqual({
      items: [expect.objectContaining({ segmentId: 'sgmt_tt', name: 'Time travellers' })],
    });
    expect((await segments()).body).toEqual({ items: [] });

    const referrals = (asOf?: string) =>
      api.call<CustomerReferrals>('getCustomerReferrals', {
        params: { sourceId: ID },
        query: asOf === undefined ? {} : { asOf },
      });
    const then = (await referrals(between)).body;
    expect(then.asFriend).toEqual([]);
    expect(then.asAdvocate).toEqual([
      expect.objectContaining({ campaignId: 'camp_tt_ref', referredAt: null, advocateRewardedPoints: 25 }),
    ]);
    const now = (await referrals()).body;
    expect(now.asAdvocate).toEqual([
      expect.objectContaining({ campaignId: 'camp_tt_ref', referredAt: expect.any(String) as unknown }),
    ]);

    for (const operationId of parts) {
      const live = await api.call(operationId, { params: { sourceId: ID } });
      const future = await api.call(operationId, {
        params: { sourceId: ID },
        query: { asOf: '2999-12-31T23:59:59Z' },
      });
      expect({ operationId, status: future.status, body: future.body }).toEqual({
        operationId,
        status: 200,
        body: live.body,
      });
    }
  });

  it('answers 404 before the first event and for a customer never named, 400 for a malformed instant', async () => {
    for (const operationId of parts) {
      const before = await api.call(operationId, { params: { sourceId: ID }, query: { asOf: beforeFirst } });
      expect({ operationId, status: before.status }).toEqual({ operationId, status: 404 });
      expect(before.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const nobody = await api.call(operationId, { params: { sourceId: 'nobody@tt' } });
      expect({ operationId, status: nobody.status }).toEqual({ operationId, status: 404 });
      for (const asOf of ['yesterday', '2026-02-30T00:00:00Z', '2026-03-31T23:59:59']) {
        const bad = await api.call<{ issues: { path: string }[] }>(operationId, {
          params: { sourceId: ID },
          query: { asOf },
        });
        expect({ operationId, asOf, status: bad.status }).toEqual({ operationId, asOf, status: 400 });
        expect(bad.body.issues.map((i) => i.path)).toEqual(['query.asOf']);
      }
    }
  });

  it('documents asOf on every per-customer route that reads the read models', () => {
    for (const path of [
      '/v1/customers/{sourceId}',
      '/v1/customers/{sourceId}/wallet/transactions',
      '/v1/customers/{sourceId}/wallet/history',
      '/v1/customers/{sourceId}/coupons',
      '/v1/customers/{sourceId}/segments',
      '/v1/customers/{sourceId}/referrals',
    ]) {
      const op = api.openApi.paths[path]?.['get'] as { parameters: { name: string; in: string }[] };
      expect({ path, asOf: op.parameters.some((p) => p.name === 'asOf' && p.in === 'query') }).toEqual({
        path,
        asOf: true,
      });
    }
  });
});
