import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';
import * as b from '@mirror/rehook-bodies';

describe('leaderboards projection', () => {
  it('records an award per campaign, leaderboard, recurrence and customer', () => {
    const [award] = rowsIn(
      changesAt(fixtureBody('assumed', 'customer.leaderboard.awarded.json'), 1),
      'leaderboard_awards',
    );
    expect(award).toMatchObject({
      campaignId: 'camp_Lb7Rk2Mn4Bv6Cx8Za0Sd1',
      leaderboardId: 'ldbd_Tt5Yy7Uu9Ii1Oo3Pp5Aa7',
      recurrence: '2023-09-01T00:00:00Z',
      sourceId: 'KMN@123',
      rank: 1,
      points: 5_000_000n,
    });
  });

  it('cannot project a fractional rank, so the event is stored as invalid', () => {
    const body = b.leaderboardAwarded({ sourceId: 'KMN@123', leaderboardId: 'ldbd_1', rank: 1, points: 5 });
    body.metadata['rank'] = 1.5;
    expect(() => changesAt(body, 1)).toThrow(/rank 1.5 is not a whole number/);
  });
});
