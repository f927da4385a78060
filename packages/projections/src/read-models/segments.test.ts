import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('segments projection', () => {
  it('makes entered a membership register holding its receipt time', () => {
    const changes = changesAt(fixtureBody('assumed', 'customer.segment.entered.json'), 3);
    expect(rowsIn(changes, 'segment_memberships')).toEqual([
      expect.objectContaining({ isMember: true, enteredAt: new Date(1_700_000_000_003) }),
    ]);
    expect(rowsIn(changes, 'segments')).toEqual([{ segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7' }]);
  });

  it("reports the segment's name under the customer, not on the segment's one row", () => {
    const changes = changesAt(fixtureBody('assumed', 'customer.segment.entered.json'), 3);
    expect(rowsIn(changes, 'segment_names')).toEqual([
      expect.objectContaining({
        segmentId: 'sgmt_Hs8Jd6Kf4Lg2Zx0Cv9Bn7',
        sourceId: 'KMN@123',
        name: 'High spenders',
      }),
    ]);
  });

  it('makes left a non-membership with no entered time', () => {
    expect(
      rowsIn(changesAt(fixtureBody('assumed', 'customer.segment.left.json'), 4), 'segment_memberships'),
    ).toEqual([expect.objectContaining({ isMember: false, enteredAt: null })]);
  });
});
