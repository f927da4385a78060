import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';
import { stampAt } from '../../../../test/support/deliveries';

describe('customer-properties projection', () => {
  it('makes each property of customer.meta.updated a register stamped by the receipt', () => {
    const rows = rowsIn(
      changesAt(fixtureBody('assumed', 'customer.meta.updated.json'), 5),
      'customer_properties',
    );
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['tier', 'gold'],
      ['city', 'Pune'],
      ['marketing_opt_in', true],
    ]);
    expect(rows.every((r) => r.stamp === stampAt(5))).toBe(true);
  });

  it('takes every metadata field but the customer id from signup and customer.updated', () => {
    const rows = rowsIn(changesAt(fixtureBody('assumed', 'signup.json'), 1), 'customer_properties');
    expect(rows.map((r) => r.name).sort()).toEqual(['email', 'name']);
  });

  it('sets no property from customer.created', () => {
    expect(
      rowsIn(changesAt(fixtureBody('documented', 'customer.created.json'), 1), 'customer_properties'),
    ).toEqual([]);
  });
});
