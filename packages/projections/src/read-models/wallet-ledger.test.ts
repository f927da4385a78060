import { changesAt, rowsIn } from '../../../../test/support/project-body';
import { fixtureBody } from '../../../../test/support/deliveries';

describe('wallet-ledger projection', () => {
  it('makes wallet.debited a debit although its documented payload says "type": "credit"', () => {
    const [entry] = rowsIn(
      changesAt(fixtureBody('documented', 'wallet.debited.json'), 1),
      'wallet_transactions',
    );
    expect(entry).toMatchObject({
      transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3',
      direction: 'debit',
      points: 100_000n,
    });
  });

  it('makes a wallet-type customer.rewarded a credit under its transaction id, at the receipt time when created_at is unset', () => {
    const [entry] = rowsIn(
      changesAt(fixtureBody('documented', 'customer.rewarded.wallet.json'), 2),
      'wallet_transactions',
    );
    expect(entry).toMatchObject({
      transactionId: 'trhi_9PO542v74DMGDkBkgLHtf',
      direction: 'credit',
      sourceId: 'KMN@123',
    });
    expect(entry?.occurredAt).toEqual(new Date(1_700_000_000_002));
  });

  it('makes no ledger entry of a webhook reward (the shop credits it itself)', () => {
    expect(
      rowsIn(
        changesAt(fixtureBody('documented', 'customer.rewarded.webhook.json'), 1),
        'wallet_transactions',
      ),
    ).toEqual([]);
  });
});
