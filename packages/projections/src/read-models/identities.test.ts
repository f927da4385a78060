import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('identities projection', () => {
  it("maps a profile event's CustomerID to its source id", () => {
    expect(
      rowsIn(changesAt(fixtureBody('documented', 'customer.created.json'), 1), 'customer_identities'),
    ).toEqual([
      expect.objectContaining({ rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30', sourceId: 'New_customer20' }),
    ]);
  });

  it("maps the advocate's own id on an advocate event, not the friend it names", () => {
    const body = fixtureBody('documented', 'customer.referral.successful.advocate.json');
    expect(rowsIn(changesAt(body, 1), 'customer_identities')).toEqual([
      expect.objectContaining({ rehookCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G', sourceId: 'KRISH@123' }),
    ]);
  });
});
