import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { Referral } from '../schemas/referrals';
import { Deliverer } from '../../../../test/support/deliver';
import { customerCreated, customerReferred, referralAdvocate } from '@mirror/rehook-bodies';
import { deliverAllFixtures, queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
let deliverer: Deliverer;
const ADVOCATE = { sourceId: 'Zoë@ü', customerId: 'cust_zoe' };
const FRIENDS = Array.from({ length: 8 }, (_, i) => ({ sourceId: `friend ${i}+`, customerId: `cust_f${i}` }));

beforeAll(async () => {
  db = await createTestDatabase();
  deliverer = new Deliverer(db.prisma);
  await deliverAllFixtures(deliverer);
  await deliverer.deliver([
    // The referrals arrive before the advocate's identity is known.
    ...FRIENDS.map((f, i) =>
      customerReferred({
        sourceId: f.sourceId,
        friendId: f.customerId,
        advocateId: ADVOCATE.customerId,
        campaignId: i % 2 === 0 ? 'camp_even' : 'camp_odd',
        code: 'CODE',
      }),
    ),
    referralAdvocate({
      sourceId: ADVOCATE.sourceId,
      advocateId: ADVOCATE.customerId,
      friendId: 'cust_f0',
      campaignId: 'camp_even',
      points: 25,
    }),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Page = { items: Referral[]; nextCursor: string | null };

describe('GET /v1/referrals', () => {
  it('pages through every referral in campaign and friend order', async () => {
    const { items, pages } = await allPages<Referral>(api, 'listReferrals', { limit: 3 });
    expect(items).toHaveLength(FRIENDS.length + 1);
    expect(pages).toBe(3);
    const keys = items.map((r) => `${r.campaignId}/${r.friend.rehookCustomerId}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('resolves source ids through the identity map once both sides are known', async () => {
    const res = await api.call<Page>('listReferrals', { query: { friend: 'cust_f0' } });
    expect(res.body.items).toEqual([
      {
        campaignId: 'camp_even',
        code: 'CODE',
        advocate: { rehookCustomerId: 'cust_zoe', sourceId: 'Zoë@ü' },
        friend: { rehookCustomerId: 'cust_f0', sourceId: 'friend 0+' },
        referredAt: expect.any(String) as unknown,
        friendRewardedAt: null,
        friendRewardedPoints: null,
        advocateRewardedAt: expect.any(String) as unknown,
        advocateRewardedPoints: 25,
      },
    ]);
  });

  it('finds an advocate by source id or by Rehook id, alone or with a campaign', async () => {
    const bySource = await allPages<Referral>(api, 'listReferrals', {
      limit: 2,
      query: { advocate: 'Zoë@ü' },
    });
    const byRehook = await allPages<Referral>(api, 'listReferrals', {
      limit: 50,
      query: { advocate: 'cust_zoe' },
    });
    expect(bySource.items).toHaveLength(FRIENDS.length);
    expect(byRehook.items).toEqual(bySource.items);
    const odd = await api.call<Page>('listReferrals', {
      query: { advocate: 'Zoë@ü', campaignId: 'camp_odd' },
    });
    expect(odd.body.items.map((r) => r.friend.sourceId)).toEqual([
      'friend 1+',
      'friend 3+',
      'friend 5+',
      'friend 7+',
    ]);
  });

  it('links a referral to a friend whose identity becomes known later', async () => {
    // The advocate's event names the friend by Rehook id only.
    await deliverer.deliver([
      referralAdvocate({
        sourceId: ADVOCATE.sourceId,
        advocateId: ADVOCATE.customerId,
        friendId: 'cust_late',
        campaignId: 'camp_late',
        points: 5,
      }),
    ]);
    const before = await api.call<Page>('listReferrals', { query: { campaignId: 'camp_late' } });
    expect(before.body.items[0]?.friend).toEqual({ rehookCustomerId: 'cust_late', sourceId: null });
    await deliverer.deliver([customerCreated({ sourceId: 'late@friend', customerId: 'cust_late' })]);
    const after = await api.call<Page>('listReferrals', { query: { friend: 'late@friend' } });
    expect(after.body.items[0]?.friend).toEqual({ rehookCustomerId: 'cust_late', sourceId: 'late@friend' });
  });

  it('answers an empty page for a party that has no referrals', async () => {
    const res = await api.call<Page>('listReferrals', { query: { advocate: 'nobody' } });
    expect(res).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('answers 400 for an empty filter and for an unknown one', async () => {
    expect((await api.callPath('listReferrals', '/v1/referrals?advocate=')).status).toBe(400);
    expect((await api.callPath('listReferrals', '/v1/referrals?referrer=x')).status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect((await api.call('listReferrals', { token: null })).status).toBe(401);
  });
});
