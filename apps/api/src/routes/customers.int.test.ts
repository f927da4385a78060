import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../../../../test/support/deliver';
import {
  customerCreated,
  customerMetaUpdated,
  segmentEvent,
  signup,
  webhookReward,
} from '@mirror/rehook-bodies';
import { deliverAllFixtures, ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';
import type { CustomerDocument, CustomerSummary } from '../schemas/customers';

let db: TestDatabase;
let api: TestApi;

/** Source ids that must survive URL encoding: `@`, `+`, spaces, non-ASCII, a slash, a percent. */
const AWKWARD_IDS = ['KMN@123', 'a+b c', 'Zoë@ü', 'x/y%z?#'];
const LISTED = Array.from({ length: 23 }, (_, i) => `list-${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverAllFixtures(deliverer);
  await deliverer.deliver([
    ...AWKWARD_IDS.slice(1).map((sourceId, i) =>
      signup({
        sourceId,
        customerId: `cust_awkward_${i}`,
        profile: { email: `${i}@example.com`, name: 'Asha Rao' },
      }),
    ),
    segmentEvent({ kind: 'entered', sourceId: 'a+b c', segmentId: 'sgmt_vip', segmentName: 'VIP' }),
    segmentEvent({ kind: 'entered', sourceId: 'Zoë@ü', segmentId: 'sgmt_vip', segmentName: 'VIP' }),
    webhookReward({ sourceId: 'Zoë@ü', redemptionId: 'redm_zoe_1', points: 40 }),
    ...LISTED.map((sourceId) => customerCreated({ sourceId, customerId: `cust_${sourceId}` })),
    ...LISTED.slice(0, 7).map((sourceId) =>
      segmentEvent({ kind: 'entered', sourceId, segmentId: 'sgmt_list', segmentName: 'Listed' }),
    ),
    customerMetaUpdated({
      sourceId: 'list-00',
      customerId: 'cust_list-00',
      properties: { tier: 'gold', n: { a: [1, 2] } },
    }),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/customers/{sourceId}', () => {
  it('assembles the fixture customer KMN@123 from every read model', async () => {
    const res = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: 'KMN@123' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sourceId: 'KMN@123',
      rehookCustomerId: null,
      properties: {},
      firstSeenAt: expect.stringMatching(ISO) as unknown,
      lastEventAt: expect.stringMatching(ISO) as unknown,
      eventCount: 9,
      orders: { count: 1, total: 549, lastOrderAt: expect.stringMatching(ISO) as unknown },
      // The wallet reward (10 points, already credited) is in the balance; the webhook reward
      // (100 points) is pending, outside it.
      wallet: { balance: 10, credited: 10, debited: 0, pendingRewardPoints: 100 },
      // Redeemed, then rolled back: held, not redeemed.
      coupons: [
        {
          code: 'DIWALI123',
          status: 'assigned',
          campaignId: 'camp_Qx81ZrT0aLmNc2Vb7YpKd',
          assignedAt: '2023-10-02T09:15:00.123Z',
        },
      ],
      // Entered, then left.
      segments: [],
      referrals: { asAdvocate: [], asFriend: [] },
      leaderboardAwards: [
        {
          campaignId: 'camp_Lb7Rk2Mn4Bv6Cx8Za0Sd1',
          leaderboardId: 'ldbd_Tt5Yy7Uu9Ii1Oo3Pp5Aa7',
          recurrenceStart: '2023-09-01T00:00:00Z',
          recurrenceEnd: '2023-09-30T23:59:59.000Z',
          sourceId: 'KMN@123',
          rank: 1,
          score: 1520,
          points: 500,
          rewardName: 'September champion',
          redemptionId: 'redm_Lr3Kt5Jy7Hu9Gi1Fo3Dp5',
          awardedAt: expect.stringMatching(ISO) as unknown,
        },
      ],
    });
  });

  it('resolves both sides of a referral through the identity map', async () => {
    const advocate = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: 'KRISH@123' } });
    const friend = await api.call<CustomerDocument>('getCustomer', {
      params: { sourceId: 'New_customer24' },
    });
    const referral = {
      campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
      advocate: { rehookCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G', sourceId: 'KRISH@123' },
      friend: { rehookCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW', sourceId: 'New_customer24' },
      advocateRewardedPoints: 10,
      friendRewardedPoints: 10,
    };
    expect(advocate.body.referrals.asAdvocate).toEqual([expect.objectContaining(referral)]);
    expect(advocate.body.referrals.asFriend).toEqual([]);
    expect(friend.body.referrals.asFriend).toEqual([expect.objectContaining(referral)]);
    expect(friend.body.referrals.asAdvocate).toEqual([]);
  });

  it('merges profile properties and learns the Rehook customer id', async () => {
    const res = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: 'New_customer20' } });
    expect(res.body.rehookCustomerId).toBe('cust_rQgkYNzPVgye5RKUy9l30');
    expect(res.body.properties).toEqual({
      name: 'Ravi Kumar',
      email: 'ravi@example.com',
      phone: '+91-9800000000',
      tier: 'gold',
      city: 'Pune',
      marketing_opt_in: true,
    });
  });

  it.each(AWKWARD_IDS)('serves the customer %j when its id is URL-encoded', async (sourceId) => {
    const res = await api.callPath<CustomerDocument>(
      'getCustomer',
      `/v1/customers/${encodeURIComponent(sourceId)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.sourceId).toBe(sourceId);
  });

  it('keeps segments and pending reward points apart per customer', async () => {
    const res = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: 'Zoë@ü' } });
    expect(res.body.segments).toEqual([
      { segmentId: 'sgmt_vip', name: 'VIP', enteredAt: expect.stringMatching(ISO) as unknown },
    ]);
    expect(res.body.wallet).toEqual({ balance: 0, credited: 0, debited: 0, pendingRewardPoints: 40 });
    expect(res.body.properties).toEqual({ email: '1@example.com', name: 'Asha Rao' });
  });

  it('answers 404 for a customer no event has named', async () => {
    const res = await api.call<{ detail: string }>('getCustomer', {
      params: { sourceId: 'nobody@example.com' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toContain('nobody@example.com');
  });

  it('answers 404 for an id that differs only in case', async () => {
    expect((await api.call('getCustomer', { params: { sourceId: 'kmn@123' } })).status).toBe(404);
  });

  it('answers 400 for an unknown query parameter and for a malformed percent-encoding', async () => {
    const unknown = await api.callPath<{ issues: unknown[] }>(
      'getCustomer',
      '/v1/customers/KMN%40123?expand=all',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ path: 'query.expand', message: expect.any(String) as unknown }]);
    expect((await api.callPath('getCustomer', '/v1/customers/%E0%A4%A')).status).toBe(400);
  });

  it('answers 401 without the token and with a wrong one', async () => {
    expect((await api.call('getCustomer', { params: { sourceId: 'KMN@123' }, token: null })).status).toBe(
      401,
    );
    expect((await api.call('getCustomer', { params: { sourceId: 'KMN@123' }, token: 'wrong' })).status).toBe(
      401,
    );
  });
});

describe('GET /v1/customers', () => {
  it('pages through every customer in source-id order without gaps or repeats', async () => {
    const whole = await api.call<{ items: CustomerSummary[]; nextCursor: string | null }>('listCustomers', {
      query: { limit: 500 },
    });
    expect(whole.body.nextCursor).toBeNull();
    const ids = whole.body.items.map((c) => c.sourceId);
    expect(ids).toEqual(expect.arrayContaining([...AWKWARD_IDS, ...LISTED, 'New_customer20']));
    expect(new Set(ids).size).toBe(ids.length);

    const paged = await allPages<CustomerSummary>(api, 'listCustomers', { limit: 4 });
    expect(paged.pages).toBe(Math.ceil(ids.length / 4));
    expect(paged.items).toEqual(whole.body.items);
  });

  it('lists only the current members of a segment, across pages', async () => {
    const paged = await allPages<CustomerSummary>(api, 'listCustomers', {
      limit: 3,
      query: { segmentId: 'sgmt_list' },
    });
    expect(paged.items.map((c) => c.sourceId)).toEqual(LISTED.slice(0, 7));
    expect(paged.pages).toBe(3);
  });

  it('finds a customer by the id Rehook knows it by, alone or within a segment', async () => {
    const byRehookId = await api.call<{ items: CustomerSummary[] }>('listCustomers', {
      query: { rehookCustomerId: 'cust_list-03' },
    });
    expect(byRehookId.body.items.map((c) => c.sourceId)).toEqual(['list-03']);
    const inSegment = await api.call<{ items: CustomerSummary[] }>('listCustomers', {
      query: { rehookCustomerId: 'cust_list-03', segmentId: 'sgmt_vip' },
    });
    expect(inSegment.body.items).toEqual([]);
    const unknown = await api.call<{ items: CustomerSummary[] }>('listCustomers', {
      query: { rehookCustomerId: 'cust_nobody' },
    });
    expect(unknown.body.items).toEqual([]);
  });

  it('uses the default page size of 50 when no limit is given', async () => {
    const res = await api.call<{ items: unknown[] }>('listCustomers');
    expect(res.body.items.length).toBeLessThanOrEqual(50);
  });

  it('answers 404 for a segment no event has named', async () => {
    expect((await api.call('listCustomers', { query: { segmentId: 'sgmt_nope' } })).status).toBe(404);
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=501', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=2.5', 'query.limit'],
    ['limit=1&limit=2', 'query.limit'],
    ['cursor=not-a-cursor', 'query.cursor'],
    [`cursor=${Buffer.from('{"l":"segments","k":["x"]}').toString('base64url')}`, 'query.cursor'],
    [`cursor=${Buffer.from('{"l":"customers","k":[1]}').toString('base64url')}`, 'query.cursor'],
    ['segmentId=', 'query.segmentId'],
    ['sort=name', 'query.sort'],
  ])('answers 400 naming the parameter for %s', async (query, path) => {
    const res = await api.callPath<{ issues: { path: string }[] }>('listCustomers', `/v1/customers?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i) => i.path)).toContain(path);
  });

  it('answers 401 without the token', async () => {
    expect((await api.call('listCustomers', { token: null })).status).toBe(401);
  });
});
