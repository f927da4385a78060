import { EVENT_NAMES, type EventName, type RehookEvent } from './events';
import { normalize } from './normalize';
import { loadFixtures } from './test-fixtures';

const reward = (redemptionId: string, rewardId: string, name: string, redemptionDate: string | null) => ({
  redemptionId,
  rewardId,
  name,
  redemptionDate: redemptionDate === null ? null : new Date(redemptionDate),
});

/** What each fixture must normalize to, keyed by `group/file`. */
const EXPECTED: Record<string, RehookEvent> = {
  'documented/customer.created.json': {
    name: 'customer.created',
    rawName: 'customer.created',
    sourceId: 'New_customer20',
    data: { rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30', properties: {} },
  },
  'documented/customer.referral.successful.advocate.json': {
    name: 'customer.referral.successful.advocate',
    rawName: 'customer.referral.successfull.advocate',
    sourceId: 'KRISH@123',
    data: {
      campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
      friendCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW',
      advocateCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G',
      subjectCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G',
      code: null,
      pointsRewarded: 10,
      redemptionId: 'redm_TqOJroirusQu8W7f6YxAB',
    },
  },
  'documented/customer.referral.successful.friend.json': {
    name: 'customer.referral.successful.friend',
    rawName: 'customer.referral.successfull.friend',
    sourceId: 'New_customer24',
    data: {
      campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
      friendCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW',
      advocateCustomerId: null,
      subjectCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW',
      code: null,
      pointsRewarded: 10,
      redemptionId: 'redm_jhtWjrmCjdH7Ko7TTYIIB',
    },
  },
  'documented/customer.rewarded.wallet.json': {
    name: 'customer.rewarded',
    rawName: 'customer.rewarded',
    sourceId: 'KMN@123',
    data: {
      kind: 'wallet',
      points: 10,
      campaignId: 'camp_0pe3HDtdFYgf1P5vryaXk',
      campaignType: 'loyalty',
      coupon: null,
      reward: reward(
        'redm_4RAUHTR8mGqoWn3QmtTqS',
        'rewd_C1BnYHxmlmF1fi3lQk7Ud',
        'order success reward',
        '2023-09-21T07:46:56.842Z',
      ),
      wallet: {
        transactionId: 'trhi_9PO542v74DMGDkBkgLHtf',
        direction: 'credit',
        points: 10,
        description: 'Wallet points have been successfully credited to your account.',
        createdAt: null,
      },
    },
  },
  'documented/customer.rewarded.webhook.json': {
    name: 'customer.rewarded',
    rawName: 'customer.rewarded',
    sourceId: 'KMN@123',
    data: {
      kind: 'webhook',
      points: 100,
      campaignId: 'camp_wfzCvil55m05zpxafISmc',
      campaignType: 'loyalty',
      coupon: null,
      reward: reward(
        'redm_pVRReQyxgFEr3MsSQIYBF',
        'rewd_cYjMQ9495B3HIWduEv9qp',
        'Webhook points',
        '2023-09-21T10:08:06.614Z',
      ),
      wallet: null,
    },
  },
  'documented/order_success.json': {
    name: 'order_success',
    rawName: 'order_success',
    sourceId: 'KMN@123',
    data: { total: 549, mode: 'CARD', itemCount: 1 },
  },
  'documented/wallet.credited.json': {
    name: 'wallet.credited',
    rawName: 'wallet.credited',
    sourceId: 'New_customer1',
    data: {
      wallet: {
        transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3',
        direction: 'credit',
        points: 10,
        description: 'Wallet points have been successfully credited to your account.',
        createdAt: new Date('2023-09-22T10:12:48.688Z'),
      },
    },
  },
  'documented/wallet.debited.json': {
    name: 'wallet.debited',
    rawName: 'wallet.debited',
    sourceId: 'New_customer1',
    data: {
      wallet: {
        transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3',
        direction: 'debit',
        points: 10,
        description: 'Wallet points have been successfully credited to your account.',
        createdAt: new Date('2023-09-22T10:12:48.688Z'),
      },
    },
  },
  'assumed/coupon.created.json': {
    name: 'coupon.created',
    rawName: 'coupon.created',
    sourceId: '',
    data: {
      code: 'DIWALI123',
      campaignId: 'camp_Qx81ZrT0aLmNc2Vb7YpKd',
      details: { discount: { type: 'percentage', value: 10 }, expiration_date: '2023-12-31T00:00:00Z' },
    },
  },
  'assumed/coupon.redeemed.json': {
    name: 'coupon.redeemed',
    rawName: 'coupon.redeemed',
    sourceId: 'KMN@123',
    data: {
      code: 'DIWALI123',
      redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
      redeemedAt: new Date('2023-10-05T12:00:00.987Z'),
      orderTotal: 549,
    },
  },
  'assumed/coupon.redemption.rollback.json': {
    name: 'coupon.redemption.rollback',
    rawName: 'coupon.redemption.rollback',
    sourceId: 'KMN@123',
    data: {
      code: 'DIWALI123',
      redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
      rollbackId: 'rlbk_Pq2Wr4Et6Yu8Io0Pa1Sd3',
      reason: 'order cancelled',
    },
  },
  'assumed/coupon.rewarded.json': {
    name: 'coupon.rewarded',
    rawName: 'coupon.rewarded',
    sourceId: 'KMN@123',
    data: {
      code: 'DIWALI123',
      campaignId: 'camp_Qx81ZrT0aLmNc2Vb7YpKd',
      points: 0,
      reward: reward(
        'redm_Hk2Lp9QwE4rT6yU8iO0pA',
        'rewd_Zx3Cv5Bn7Ma9Sd1Fg2Hj4',
        'Diwali coupon',
        '2023-10-02T09:15:00.123Z',
      ),
    },
  },
  'assumed/customer.leaderboard.awarded.json': {
    name: 'customer.leaderboard.awarded',
    rawName: 'customer.leaderboard.awarded',
    sourceId: 'KMN@123',
    data: {
      campaignId: 'camp_Lb7Rk2Mn4Bv6Cx8Za0Sd1',
      leaderboardId: 'ldbd_Tt5Yy7Uu9Ii1Oo3Pp5Aa7',
      recurrence: '2023-09-01T00:00:00Z',
      recurrenceEnd: new Date('2023-09-30T23:59:59Z'),
      rank: 1,
      score: 1520,
      points: 500,
      reward: reward('redm_Lr3Kt5Jy7Hu9Gi1Fo3Dp5', 'rewd_Qa2Ws4Ed6Rf8Tg0Yh2Uj4', 'September champion', null),
    },
  },
  'assumed/customer.meta.updated.json': {
    name: 'customer.meta.updated',
    rawName: 'customer.meta.updated',
    sourceId: 'New_customer20',
    data: {
      rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30',
      properties: { tier: 'gold', city: 'Pune', marketing_opt_in: true },
    },
  },
  'assumed/customer.referred.json': {
    name: 'customer.referred',
    rawName: 'customer.referred',
    sourceId: 'New_customer24',
    data: {
      campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
      friendCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW',
      advocateCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G',
      subjectCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW',
      code: 'KRISH10',
      pointsRewarded: null,
      redemptionId: null,
    },
  },
  'assumed/customer.segment.entered.json': {
    name: 'customer.segment.entered',
    rawName: 'customer.segment.entered',
    sourceId: 'KMN@123',
    data: { segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7', segmentName: 'High spenders' },
  },
  'assumed/customer.segment.left.json': {
    name: 'customer.segment.left',
    rawName: 'customer.segment.left',
    sourceId: 'KMN@123',
    data: { segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7', segmentName: 'High spenders' },
  },
  'assumed/customer.updated.json': {
    name: 'customer.updated',
    rawName: 'customer.updated',
    sourceId: 'New_customer20',
    data: {
      rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30',
      properties: { name: 'Ravi Kumar', email: 'ravi@example.com', phone: '+91-9800000000' },
    },
  },
  'assumed/signup.json': {
    name: 'signup',
    rawName: 'signup',
    sourceId: 'New_customer21',
    data: {
      rehookCustomerId: 'cust_7YbQm2LkP0aXsW3nR8tVd',
      properties: { email: 'asha@example.com', name: 'Asha Rao' },
    },
  },
};

const fixtures = loadFixtures();

describe('the shared Rehook fixtures', () => {
  it('are all covered by this table, and the table names no missing fixture', () => {
    expect(fixtures.map((f) => `${f.group}/${f.file}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures.map((f) => [`${f.group}/${f.file}`, f.body] as const))(
    '%s normalizes to its canonical event, field by field',
    (key, body) => {
      const result = normalize(body);
      expect(result).toEqual({ outcome: 'recognized', event: EXPECTED[key] });
    },
  );

  it('include one for every canonical Rehook event name (all but the internal one)', () => {
    const covered = new Set<EventName>();
    for (const { body } of fixtures) {
      const result = normalize(body);
      if (result.outcome === 'recognized') covered.add(result.event.name);
    }
    const rehookNames = EVENT_NAMES.filter((name) => name !== 'mirror.reward.fulfilled');
    expect(rehookNames.filter((name) => !covered.has(name))).toEqual([]);
  });
});
