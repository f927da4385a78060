import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';
import * as b from '@mirror/rehook-bodies';

describe('webhook-rewards projection', () => {
  it('makes a webhook reward pending, keyed by its redemption id', () => {
    const [reward] = rowsIn(
      changesAt(fixtureBody('documented', 'customer.rewarded.webhook.json'), 1),
      'webhook_rewards',
    );
    expect(reward).toMatchObject({
      redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF',
      fulfilledAt: null,
      report: {
        value: { sourceId: 'KMN@123', points: 1_000_000n, campaignId: 'camp_wfzCvil55m05zpxafISmc' },
      },
    });
  });

  it('makes no pending reward of a wallet reward', () => {
    expect(
      rowsIn(changesAt(fixtureBody('documented', 'customer.rewarded.wallet.json'), 1), 'webhook_rewards'),
    ).toEqual([]);
  });

  it('makes no pending reward of the points on referral events', () => {
    for (const file of [
      'customer.referral.successful.advocate.json',
      'customer.referral.successful.friend.json',
    ]) {
      expect(rowsIn(changesAt(fixtureBody('documented', file), 1), 'webhook_rewards')).toEqual([]);
    }
  });

  it('marks a reward fulfilled at the receipt time of the internal fulfilment', () => {
    const [row] = rowsIn(
      changesAt(b.rewardFulfilled({ redemptionId: 'redm_1' }), 9, 'mirror'),
      'webhook_rewards',
    );
    expect(row).toEqual({ redemptionId: 'redm_1', report: null, fulfilledAt: new Date(1_700_000_000_009) });
  });
});
