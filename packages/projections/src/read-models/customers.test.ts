import { changesAt, rowsIn } from '../../../../test/support/project-body';
import * as b from '@mirror/rehook-bodies';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('customers projection', () => {
  it('counts any event that names a source id once, at its receipt time', () => {
    const [row] = rowsIn(
      changesAt(
        b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
        7,
      ),
      'customers',
    );
    expect(row).toMatchObject({ sourceId: 'KMN@123', eventCount: 1, ordersCount: 0, rehookCustomer: null });
    expect(row?.firstSeenAt).toEqual(row?.lastEventAt);
  });

  it('counts an order_success as an order with its total and receipt time', () => {
    const [row] = rowsIn(changesAt(fixtureBody('documented', 'order_success.json'), 1), 'customers');
    expect(row).toMatchObject({ ordersCount: 1, ordersTotal: 5_490_000n });
    expect(row?.lastOrderAt).toEqual(row?.lastEventAt);
  });

  it('makes no customer of an event without a source id', () => {
    expect(rowsIn(changesAt(fixtureBody('assumed', 'coupon.created.json'), 1), 'customers')).toEqual([]);
  });

  it("learns the Rehook id from profile events and from a referral event's own CustomerId", () => {
    const [profile] = rowsIn(changesAt(fixtureBody('documented', 'customer.created.json'), 3), 'customers');
    expect(profile?.rehookCustomer).toMatchObject({ value: 'cust_rQgkYNzPVgye5RKUy9l30' });
    const advocate = fixtureBody('documented', 'customer.referral.successful.advocate.json');
    const [referral] = rowsIn(changesAt(advocate, 4), 'customers');
    expect(referral).toMatchObject({
      sourceId: 'KRISH@123',
      rehookCustomer: { value: 'cust_IaU3FtThmRR9PQR3dlg3G' },
    });
  });
});
