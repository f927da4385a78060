// Given these events (delivered in this order, the n-th stamped n), then this row: one block
// per read model. A failing case names the table and column whose merge broke, and every case
// also folds the same events in reverse order, which must give the same rows.
import { from, given } from '../../../../test/support/given-events';
import * as b from '@mirror/rehook-bodies';

const at = (n: number) => new Date(1_700_000_000_000 + n).toISOString();
const stamp = (n: number) => String(1_700_000_000_000_000n + BigInt(n) * 1000n);

describe('customers', () => {
  it('counts two genuine orders of the same customer and sums their totals', () => {
    const events = given(
      b.orderSuccess({ sourceId: 'KMN@1', total: 10.5, orderNo: 'o1' }),
      b.orderSuccess({ sourceId: 'KMN@1', total: 2, orderNo: 'o2' }),
    );
    expect(
      events.then(
        'customers',
        { source_id: 'KMN@1' },
        { orders_count: '2', orders_total: '12.5000', last_order_at: at(2), event_count: '2' },
      ),
    ).toEqual([]);
  });

  it('keeps the first and last receipt and counts events of every kind', () => {
    const events = given(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@1', transactionId: 'tr1', points: 5 }),
      b.customerCreated({ sourceId: 'KMN@1', customerId: 'cust_1' }),
    );
    expect(
      events.then(
        'customers',
        { source_id: 'KMN@1' },
        {
          first_seen_at: at(1),
          last_event_at: at(3),
          event_count: '3',
          orders_count: '0',
          orders_total: '0.0000',
          last_order_at: null,
        },
      ),
    ).toEqual([]);
  });

  it('takes the Rehook customer id of the latest report', () => {
    const events = given(
      b.customerCreated({ sourceId: 'KMN@1', customerId: 'cust_old' }),
      b.customerUpdated({ sourceId: 'KMN@1', customerId: 'cust_new', changes: {} }),
    );
    expect(
      events.then(
        'customers',
        { source_id: 'KMN@1' },
        { rehook_customer_id: 'cust_new', rehook_customer_stamp: stamp(2) },
      ),
    ).toEqual([]);
  });
});

describe('customer_properties', () => {
  it('keeps each property of the latest report that names it', () => {
    const events = given(
      b.customerMetaUpdated({
        sourceId: 'KMN@1',
        customerId: 'cust_1',
        properties: { tier: 'silver', city: 'Pune' },
      }),
      b.customerMetaUpdated({ sourceId: 'KMN@1', customerId: 'cust_1', properties: { tier: 'gold' } }),
    );
    expect(
      events.then(
        'customer_properties',
        { source_id: 'KMN@1', key: 'tier' },
        { value: '"gold"', stamp: stamp(2) },
      ),
    ).toEqual([]);
    expect(
      events.then(
        'customer_properties',
        { source_id: 'KMN@1', key: 'city' },
        { value: '"Pune"', stamp: stamp(1) },
      ),
    ).toEqual([]);
  });
});

describe('customer_identities', () => {
  it('maps a Rehook customer id to the source id of its latest report', () => {
    const events = given(
      b.customerCreated({ sourceId: 'KMN@old', customerId: 'cust_1' }),
      b.customerUpdated({ sourceId: 'KMN@new', customerId: 'cust_1', changes: {} }),
    );
    expect(
      events.then(
        'customer_identities',
        { rehook_customer_id: 'cust_1' },
        { source_id: 'KMN@new', stamp: stamp(2) },
      ),
    ).toEqual([]);
  });
});

describe('wallet_transactions', () => {
  it('keeps a credit and a debit of the same transaction id as two entries', () => {
    const events = given(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@1', transactionId: 'tr1', points: 100 }),
      b.walletEvent({ direction: 'debit', sourceId: 'KMN@1', transactionId: 'tr1', points: 30 }),
    );
    expect(
      events.then(
        'wallet_transactions',
        { transaction_id: 'tr1', direction: 'credit' },
        { points: '100.0000' },
      ),
    ).toEqual([]);
    expect(
      events.then(
        'wallet_transactions',
        { transaction_id: 'tr1', direction: 'debit' },
        { points: '30.0000' },
      ),
    ).toEqual([]);
  });

  it('counts a transaction reported by wallet.credited and by a wallet reward once', () => {
    const events = given(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@1', transactionId: 'tr1', points: 40 }),
      b.walletReward({ sourceId: 'KMN@1', transactionId: 'tr1', points: 40, redemptionId: 'redm_1' }),
    );
    expect(events.rows('wallet_transactions')).toHaveLength(1);
    expect(
      events.then(
        'wallet_transactions',
        { transaction_id: 'tr1', direction: 'credit' },
        { source_id: 'KMN@1', points: '40.0000' },
      ),
    ).toEqual([]);
  });
});

describe('webhook_rewards', () => {
  it('records a webhook reward and its fulfilment by the shop', () => {
    const events = given(
      b.webhookReward({ sourceId: 'KMN@1', redemptionId: 'red1', points: 5 }),
      from('mirror', b.rewardFulfilled({ redemptionId: 'red1' })),
    );
    expect(
      events.then(
        'webhook_rewards',
        { redemption_id: 'red1' },
        { source_id: 'KMN@1', points: '5.0000', reward_name: 'Webhook points', fulfilled_at: at(2) },
      ),
    ).toEqual([]);
  });

  it('does not take a wallet reward as a reward the shop must credit', () => {
    expect(
      given(
        b.walletReward({ sourceId: 'KMN@1', transactionId: 'tr1', points: 40, redemptionId: 'redm_1' }),
      ).rows('webhook_rewards'),
    ).toEqual([]);
  });
});

describe('coupons', () => {
  it('joins the coupon created for a campaign with its holder', () => {
    const events = given(
      b.couponCreated({ code: 'CODE1', campaign: { id: 'camp1' } }),
      b.couponRewarded({
        sourceId: 'KMN@1',
        code: 'CODE1',
        redemptionId: 'redm_cpn_CODE1_KMN@1',
        campaign: { id: 'camp1' },
      }),
    );
    expect(
      events.then(
        'coupons',
        { code: 'CODE1' },
        { campaign_id: 'camp1', source_id: 'KMN@1', holder_stamp: stamp(2), created_at: at(1) },
      ),
    ).toEqual([]);
  });

  it('gives the coupon to the holder of the latest report', () => {
    const events = given(
      b.couponRewarded({
        sourceId: 'KMN@1',
        code: 'CODE1',
        redemptionId: 'redm_cpn_CODE1_KMN@1',
        campaign: { id: 'camp1' },
      }),
      b.couponRewarded({
        sourceId: 'KMN@2',
        code: 'CODE1',
        redemptionId: 'redm_cpn_CODE1_KMN@2',
        campaign: { id: 'camp1' },
      }),
    );
    expect(events.then('coupons', { code: 'CODE1' }, { source_id: 'KMN@2', holder_stamp: stamp(2) })).toEqual(
      [],
    );
  });
});

describe('coupon_redemptions', () => {
  it('marks a redemption rolled back, with the reason, whichever comes first', () => {
    const events = given(
      b.couponRollback({ sourceId: 'KMN@1', code: 'CODE1', redemptionId: 'cr1' }),
      b.couponRedeemed({ sourceId: 'KMN@1', code: 'CODE1', redemptionId: 'cr1' }),
    );
    expect(
      events.then(
        'coupon_redemptions',
        { redemption_id: 'cr1' },
        {
          code: 'CODE1',
          source_id: 'KMN@1',
          redeemed_at: '2023-10-05T12:00:00.987Z',
          rolled_back_at: at(1),
          rollback_id: 'rlbk_cr1',
          rollback_reason: 'order cancelled',
        },
      ),
    ).toEqual([]);
  });
});

describe('referrals', () => {
  it('fills in the friend and advocate rewards of a referral', () => {
    const events = given(
      b.referralAdvocate({
        sourceId: 'KMN@1',
        advocateId: 'cust_1',
        friendId: 'cust_2',
        campaignId: 'camp_r',
        points: 20,
      }),
      b.customerReferred({
        sourceId: 'KMN@2',
        friendId: 'cust_2',
        advocateId: 'cust_1',
        campaignId: 'camp_r',
      }),
      b.referralFriend({ sourceId: 'KMN@2', friendId: 'cust_2', campaignId: 'camp_r', points: 10 }),
    );
    expect(
      events.then(
        'referrals',
        { campaign_id: 'camp_r', friend_customer_id: 'cust_2' },
        {
          advocate_customer_id: 'cust_1',
          code: 'KRISH10',
          referred_at: at(2),
          friend_rewarded_points: '10.0000',
          friend_rewarded_at: at(3),
          advocate_rewarded_points: '20.0000',
          advocate_rewarded_at: at(1),
        },
      ),
    ).toEqual([]);
  });
});

describe('leaderboard_awards', () => {
  it('records one award per leaderboard recurrence and customer', () => {
    const events = given(
      b.leaderboardAwarded({
        sourceId: 'KMN@1',
        leaderboardId: 'lb1',
        rank: 2,
        score: 998,
        points: 50,
      }),
      b.leaderboardAwarded({
        sourceId: 'KMN@2',
        leaderboardId: 'lb1',
        rank: 1,
        points: 80,
      }),
    );
    expect(events.rows('leaderboard_awards')).toHaveLength(2);
    expect(
      events.then(
        'leaderboard_awards',
        { leaderboard_id: 'lb1', source_id: 'KMN@1' },
        { rank: '2', score: '998.0000', points: '50.0000', awarded_at: at(1) },
      ),
    ).toEqual([]);
  });
});

describe('segments', () => {
  it('knows every segment an event named, and nothing else about it', () => {
    const events = given(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@2', segmentId: 'sg2', segmentName: 'Other' }),
    );
    expect(events.rows('segments')).toEqual([{ segment_id: 'sg1' }, { segment_id: 'sg2' }]);
  });
});

describe('segment_names', () => {
  it("keeps each customer's latest report of a segment's name (the segment's name is the latest of them)", () => {
    const events = given(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@2', segmentId: 'sg1', segmentName: 'Very important' }),
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'V.I.P.' }),
    );
    expect(
      events.then(
        'segment_names',
        { segment_id: 'sg1', source_id: 'KMN@1' },
        { name: 'V.I.P.', stamp: stamp(3) },
      ),
    ).toEqual([]);
    expect(
      events.then(
        'segment_names',
        { segment_id: 'sg1', source_id: 'KMN@2' },
        { name: 'Very important', stamp: stamp(2) },
      ),
    ).toEqual([]);
  });
});

describe('segment_memberships', () => {
  it('leaves a customer out of a segment left after entering it', () => {
    const events = given(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
    );
    expect(
      events.then(
        'segment_memberships',
        { segment_id: 'sg1', source_id: 'KMN@1' },
        { is_member: 'false', entered_at: null, stamp: stamp(2) },
      ),
    ).toEqual([]);
  });

  it('puts a customer who enters again after leaving back in the segment', () => {
    const events = given(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@1', segmentId: 'sg1', segmentName: 'VIP' }),
    );
    expect(
      events.then(
        'segment_memberships',
        { segment_id: 'sg1', source_id: 'KMN@1' },
        { is_member: 'true', entered_at: at(3), stamp: stamp(3) },
      ),
    ).toEqual([]);
  });
});
