import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('referrals projection', () => {
  it('keys all three referral events by campaign and the friend, whichever side they are about', () => {
    const keys = [
      ['assumed', 'customer.referred.json'],
      ['documented', 'customer.referral.successful.friend.json'],
      ['documented', 'customer.referral.successful.advocate.json'],
    ].map(([group, file]) => {
      const [row] = rowsIn(changesAt(fixtureBody(group as 'assumed', file as string), 1), 'referrals');
      return [row?.campaignId, row?.friendCustomerId];
    });
    expect(new Set(keys.map((k) => k.join()))).toEqual(
      new Set(['camp_lEnxQA6GOOYPQIms0ZEk5,cust_gNF2L20gWx71vGQ7dVPGW']),
    );
  });

  it('records the advocate from the advocate event and "NA" as unknown on the friend event', () => {
    const advocate = rowsIn(
      changesAt(fixtureBody('documented', 'customer.referral.successful.advocate.json'), 1),
      'referrals',
    );
    const friend = rowsIn(
      changesAt(fixtureBody('documented', 'customer.referral.successful.friend.json'), 1),
      'referrals',
    );
    expect(advocate[0]).toMatchObject({
      advocateCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G',
      advocateReward: { value: { points: 100_000n } },
    });
    expect(friend[0]).toMatchObject({
      advocateCustomerId: null,
      friendReward: { value: { points: 100_000n } },
    });
  });
});
