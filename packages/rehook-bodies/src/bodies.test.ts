import { EVENT_NAMES, normalize, type EventName } from '@mirror/catalog';
import { loadFixtures } from '../../catalog/src/test-fixtures';
import * as rehook from './index';
import type { RehookBody } from './index';

/**
 * Each fixture, built again from its own ids: what a builder adds by default must be the
 * fixture's, to the letter (`group/file` → body).
 */
const FROM_FIXTURE_IDS: Record<string, RehookBody> = {
  'assumed/coupon.created.json': rehook.couponCreated({ code: 'DIWALI123' }),
  'assumed/coupon.redeemed.json': rehook.couponRedeemed({
    sourceId: 'KMN@123',
    code: 'DIWALI123',
    redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
  }),
  'assumed/coupon.redemption.rollback.json': rehook.couponRollback({
    sourceId: 'KMN@123',
    code: 'DIWALI123',
    redemptionId: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
    rollbackId: 'rlbk_Pq2Wr4Et6Yu8Io0Pa1Sd3',
  }),
  'assumed/coupon.rewarded.json': rehook.couponRewarded({
    sourceId: 'KMN@123',
    code: 'DIWALI123',
    redemptionId: 'redm_Hk2Lp9QwE4rT6yU8iO0pA',
  }),
  'assumed/customer.leaderboard.awarded.json': rehook.leaderboardAwarded({
    sourceId: 'KMN@123',
    leaderboardId: 'ldbd_Tt5Yy7Uu9Ii1Oo3Pp5Aa7',
    rank: 1,
    score: 1520,
    points: 500,
    redemptionId: 'redm_Lr3Kt5Jy7Hu9Gi1Fo3Dp5',
  }),
  'assumed/customer.meta.updated.json': rehook.customerMetaUpdated({
    sourceId: 'New_customer20',
    customerId: 'cust_rQgkYNzPVgye5RKUy9l30',
  }),
  'assumed/customer.referred.json': rehook.customerReferred({
    sourceId: 'New_customer24',
    friendId: 'cust_gNF2L20gWx71vGQ7dVPGW',
    advocateId: 'cust_IaU3FtThmRR9PQR3dlg3G',
    campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
  }),
  'assumed/customer.segment.entered.json': rehook.segmentEvent({
    kind: 'entered',
    sourceId: 'KMN@123',
    segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7',
    segmentName: 'High spenders',
  }),
  'assumed/customer.segment.left.json': rehook.segmentEvent({
    kind: 'left',
    sourceId: 'KMN@123',
    segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7',
    segmentName: 'High spenders',
  }),
  'assumed/customer.updated.json': rehook.customerUpdated({
    sourceId: 'New_customer20',
    customerId: 'cust_rQgkYNzPVgye5RKUy9l30',
  }),
  'assumed/signup.json': rehook.signup({
    sourceId: 'New_customer21',
    customerId: 'cust_7YbQm2LkP0aXsW3nR8tVd',
  }),
  'documented/customer.created.json': rehook.customerCreated({
    sourceId: 'New_customer20',
    customerId: 'cust_rQgkYNzPVgye5RKUy9l30',
  }),
  'documented/customer.referral.successful.advocate.json': rehook.referralAdvocate({
    sourceId: 'KRISH@123',
    advocateId: 'cust_IaU3FtThmRR9PQR3dlg3G',
    friendId: 'cust_gNF2L20gWx71vGQ7dVPGW',
    campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
    points: 10,
    redemptionId: 'redm_TqOJroirusQu8W7f6YxAB',
  }),
  'documented/customer.referral.successful.friend.json': rehook.referralFriend({
    sourceId: 'New_customer24',
    friendId: 'cust_gNF2L20gWx71vGQ7dVPGW',
    campaignId: 'camp_lEnxQA6GOOYPQIms0ZEk5',
    points: 10,
    redemptionId: 'redm_jhtWjrmCjdH7Ko7TTYIIB',
  }),
  'documented/customer.rewarded.wallet.json': rehook.walletReward({
    sourceId: 'KMN@123',
    transactionId: 'trhi_9PO542v74DMGDkBkgLHtf',
    redemptionId: 'redm_4RAUHTR8mGqoWn3QmtTqS',
    points: 10,
  }),
  'documented/customer.rewarded.webhook.json': rehook.webhookReward({
    sourceId: 'KMN@123',
    redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF',
    points: 100,
  }),
  'documented/order_success.json': rehook.orderSuccess({ sourceId: 'KMN@123' }),
  'documented/wallet.credited.json': rehook.walletEvent({
    direction: 'credit',
    sourceId: 'New_customer1',
    transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3',
    points: 10,
  }),
  'documented/wallet.debited.json': rehook.walletEvent({
    direction: 'debit',
    sourceId: 'New_customer1',
    transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3',
    points: 10,
  }),
};

/** One body of every event the catalog knows, built with made-up ids. */
const EVERY_EVENT: Record<EventName, RehookBody> = {
  'customer.created': rehook.customerCreated({ sourceId: 'a', customerId: 'cust_a' }),
  signup: rehook.signup({ sourceId: 'a', customerId: 'cust_a', profile: { name: 'A' } }),
  'customer.updated': rehook.customerUpdated({
    sourceId: 'a',
    customerId: 'cust_a',
    changes: { phone: '1' },
  }),
  'customer.meta.updated': rehook.customerMetaUpdated({ sourceId: 'a', customerId: 'cust_a' }),
  order_success: rehook.orderSuccess({
    sourceId: 'a',
    cart: [
      rehook.cartLine({ id: 7, title: 'Mat', brand: 'B', category: 'c', price: 2.5, quantity: 2, stock: 3 }),
    ],
  }),
  'wallet.credited': rehook.walletEvent({
    direction: 'credit',
    sourceId: 'a',
    transactionId: 't1',
    points: 5,
  }),
  'wallet.debited': rehook.walletEvent({
    direction: 'debit',
    sourceId: 'a',
    transactionId: 't2',
    points: 2,
    type: 'debit',
  }),
  'customer.rewarded': rehook.webhookReward({ sourceId: 'a', redemptionId: 'r1', points: 3 }),
  'coupon.created': rehook.couponCreated({ code: 'C1', campaign: { id: 'camp_c' } }),
  'coupon.rewarded': rehook.couponRewarded({ sourceId: 'a', code: 'C1', redemptionId: 'r2' }),
  'coupon.redeemed': rehook.couponRedeemed({ sourceId: 'a', code: 'C1', redemptionId: 'r3' }),
  'coupon.redemption.rollback': rehook.couponRollback({ sourceId: 'a', code: 'C1', redemptionId: 'r3' }),
  'customer.referred': rehook.customerReferred({
    sourceId: 'f',
    friendId: 'cust_f',
    advocateId: 'cust_a',
    campaignId: 'k',
  }),
  'customer.referral.successful.advocate': rehook.referralAdvocate({
    sourceId: 'a',
    advocateId: 'cust_a',
    friendId: 'cust_f',
    campaignId: 'k',
    points: 10,
  }),
  'customer.referral.successful.friend': rehook.referralFriend({
    sourceId: 'f',
    friendId: 'cust_f',
    campaignId: 'k',
    points: 10,
  }),
  'customer.leaderboard.awarded': rehook.leaderboardAwarded({
    sourceId: 'a',
    leaderboardId: 'l',
    rank: 2,
    points: 9,
  }),
  'customer.segment.entered': rehook.segmentEvent({ kind: 'entered', sourceId: 'a', segmentId: 's' }),
  'customer.segment.left': rehook.segmentEvent({ kind: 'left', sourceId: 'a', segmentId: 's' }),
  'mirror.reward.fulfilled': rehook.rewardFulfilled({ redemptionId: 'r1' }),
};

describe('the Rehook body builders', () => {
  it('give every shared fixture back from its own ids, and cover every fixture', () => {
    const fixtures = loadFixtures();
    expect(Object.keys(FROM_FIXTURE_IDS).sort()).toEqual(fixtures.map((f) => `${f.group}/${f.file}`).sort());
    for (const { group, file, body } of fixtures) {
      expect({ fixture: `${group}/${file}`, body: FROM_FIXTURE_IDS[`${group}/${file}`] }).toEqual({
        fixture: `${group}/${file}`,
        body,
      });
    }
  });

  it('build a body the catalog recognizes, without a reason, for every event it knows', () => {
    expect(Object.keys(EVERY_EVENT).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) {
      const origin = name === 'mirror.reward.fulfilled' ? 'mirror' : 'webhook';
      const result = normalize(EVERY_EVENT[name], { origin });
      expect({
        name,
        outcome: result.outcome,
        event: result.outcome === 'recognized' && result.event.name,
      }).toEqual({
        name,
        outcome: 'recognized',
        event: name,
      });
    }
  });

  it('total an order from its cart unless told the total', () => {
    const cart = [
      rehook.cartLine({ id: 1, title: 'A', brand: 'B', category: 'c', price: 2.5, quantity: 2, stock: 1 }),
      rehook.cartLine({ id: 2, title: 'D', brand: 'E', category: 'f', price: 10, quantity: 1, stock: 1 }),
    ];
    expect(rehook.orderSuccess({ sourceId: 'a', cart }).metadata['total']).toBe(15);
    expect(rehook.orderSuccess({ sourceId: 'a', cart, total: 99 }).metadata['total']).toBe(99);
  });

  it('never share one default occurrence id between two customers or two referrals', () => {
    const award = (sourceId: string) =>
      rehook.leaderboardAwarded({ sourceId, leaderboardId: 'l', rank: 1, points: 1 }).metadata['reward'];
    expect(award('a')).not.toEqual(award('b'));
    const advocate = (friendId: string) =>
      rehook.referralAdvocate({ sourceId: 'a', advocateId: 'cust_a', friendId, campaignId: 'k', points: 1 })
        .metadata['RedemptionId'];
    expect(advocate('cust_f')).not.toBe(advocate('cust_g'));
  });

  it('write Rehook timestamps with 7 or 9 fractional digits', () => {
    const ms = Date.UTC(2023, 8, 21, 7, 46, 56, 842);
    expect(rehook.rehookTime(ms, 7, 1482)).toBe('2023-09-21T07:46:56.8421482Z');
    expect(rehook.rehookTime(ms, 9, 367478)).toBe('2023-09-21T07:46:56.842367478Z');
  });
});
