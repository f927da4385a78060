import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { Coupon } from '../schemas/coupons';
import type { CustomerDocument } from '../schemas/customers';
import { Deliverer } from '../../../../test/support/deliver';
import { couponCreated, couponRedeemed, couponRewarded, couponRollback } from '@mirror/rehook-bodies';
import { deliverAllFixtures, ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
let deliverer: Deliverer;
const HOLDER = 'KMN@123';

beforeAll(async () => {
  db = await createTestDatabase();
  deliverer = new Deliverer(db.prisma);
  await deliverAllFixtures(deliverer);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const getCoupon = (code: string) => api.call<Coupon>('getCoupon', { params: { code } });

describe('GET /v1/coupons/{code}', () => {
  it('shows the fixture coupon as held again after its redemption was rolled back', async () => {
    const res = await getCoupon('DIWALI123');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 'DIWALI123',
      status: 'assigned',
      sourceId: HOLDER,
      campaignId: 'camp_Qx81ZrT0aLmNc2Vb7YpKd',
      createdAt: expect.stringMatching(ISO) as unknown,
      assignedAt: '2023-10-02T09:15:00.123Z',
      details: { discount: { type: 'percentage', value: 10 }, expiration_date: '2023-12-31T00:00:00Z' },
      redemptions: [
        {
          redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
          sourceId: HOLDER,
          redeemedAt: '2023-10-05T12:00:00.987Z',
          rolledBack: true,
          rolledBackAt: expect.stringMatching(ISO) as unknown,
          rollbackReason: 'order cancelled',
        },
      ],
    });
  });

  it('follows a coupon from created to assigned to redeemed', async () => {
    const code = 'SPRING 10%+ü';
    await deliverer.deliver([couponCreated({ code, campaign: { id: 'camp_spring' } })]);
    expect((await getCoupon(code)).body).toMatchObject({
      status: 'created',
      sourceId: null,
      redemptions: [],
    });
    await deliverer.deliver([
      couponRewarded({ code, sourceId: HOLDER, redemptionId: 'redm_s1', campaign: { id: 'camp_spring' } }),
    ]);
    expect((await getCoupon(code)).body).toMatchObject({ status: 'assigned', sourceId: HOLDER });
    await deliverer.deliver([couponRedeemed({ code, sourceId: HOLDER, redemptionId: 'redm_s2' })]);
    expect((await getCoupon(code)).body).toMatchObject({
      status: 'redeemed',
      redemptions: [{ redemptionId: 'redm_s2', rolledBack: false, rolledBackAt: null }],
    });
    const doc = await api.call<CustomerDocument>('getCustomer', { params: { sourceId: HOLDER } });
    expect(doc.body.coupons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code, status: 'redeemed', campaignId: 'camp_spring' }),
      ]),
    );
  });

  it('knows a coupon named only by a rollback that overtook its redemption, and never calls it redeemed', async () => {
    const code = 'LATE-REDEMPTION';
    await deliverer.deliver([
      couponRollback({ code, sourceId: HOLDER, redemptionId: 'redm_late', reason: 'fraud' }),
    ]);
    expect((await getCoupon(code)).body).toMatchObject({
      status: 'created',
      redemptions: [
        { redemptionId: 'redm_late', redeemedAt: null, rolledBack: true, rollbackReason: 'fraud' },
      ],
    });
    await deliverer.deliver([couponRedeemed({ code, sourceId: HOLDER, redemptionId: 'redm_late' })]);
    expect((await getCoupon(code)).body).toMatchObject({
      status: 'created',
      redemptions: [
        { redemptionId: 'redm_late', redeemedAt: expect.stringMatching(ISO) as unknown, rolledBack: true },
      ],
    });
  });

  it('answers 404 for a coupon no event has named, and treats codes as case-sensitive', async () => {
    expect((await getCoupon('NOPE')).status).toBe(404);
    expect((await getCoupon('diwali123')).status).toBe(404);
  });

  it('answers 400 for an unknown query parameter', async () => {
    expect((await api.callPath('getCoupon', '/v1/coupons/DIWALI123?verbose=1')).status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect((await api.call('getCoupon', { params: { code: 'DIWALI123' }, token: null })).status).toBe(401);
  });
});
