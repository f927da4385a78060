import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('coupons projection', () => {
  it('creates a coupon with its campaign and details from coupon.created, with no holder', () => {
    const [coupon] = rowsIn(changesAt(fixtureBody('assumed', 'coupon.created.json'), 1), 'coupons');
    expect(coupon).toMatchObject({
      code: 'DIWALI123',
      holder: null,
      campaign: { value: 'camp_Qx81ZrT0aLmNc2Vb7YpKd' },
    });
    expect(coupon?.details?.value).toMatchObject({ discount: { type: 'percentage', value: 10 } });
  });

  it('assigns the holder from coupon.rewarded', () => {
    const [coupon] = rowsIn(changesAt(fixtureBody('assumed', 'coupon.rewarded.json'), 1), 'coupons');
    expect(coupon?.holder?.value).toEqual({
      sourceId: 'KMN@123',
      assignedAt: new Date('2023-10-02T09:15:00.123Z'),
    });
  });

  it('records a redemption and a rollback under the same redemption id, each naming the coupon', () => {
    const redeemed = changesAt(fixtureBody('assumed', 'coupon.redeemed.json'), 1);
    const rolledBack = changesAt(fixtureBody('assumed', 'coupon.redemption.rollback.json'), 2);
    expect(rowsIn(redeemed, 'coupons')).toEqual([expect.objectContaining({ code: 'DIWALI123' })]);
    expect(rowsIn(redeemed, 'coupon_redemptions')).toEqual([
      expect.objectContaining({ redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9', rollback: null }),
    ]);
    expect(rowsIn(rolledBack, 'coupon_redemptions')).toEqual([
      expect.objectContaining({ redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9', redeemedAt: null }),
    ]);
  });
});
