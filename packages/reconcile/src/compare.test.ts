import { compareLedger, compareReferrals, REFERRAL_NOT_REPAIRED } from './compare';

const tx = (transaction_id: string, type: 'credit' | 'debit', points: number) => ({
  walletId: 'waty_1',
  record: { transaction_id, type, points },
});

describe('compareLedger', () => {
  it('matches by transaction id and direction, and dedupes what paging repeated', () => {
    const result = compareLedger(
      'c1',
      [
        { transactionId: 't1', direction: 'credit', points: 10 },
        { transactionId: 't3', direction: 'credit', points: 7 },
      ],
      // t1 credited and debited (the documented example reuses one id for both), t2 listed twice.
      [tx('t1', 'credit', 10), tx('t1', 'debit', 10), tx('t2', 'credit', 5), tx('t2', 'credit', 5)],
    );
    expect(result.missing.map((m) => `${m.record.type}:${m.record.transaction_id}`)).toEqual([
      'debit:t1',
      'credit:t2',
    ]);
    expect(result.drift).toEqual([
      {
        sourceId: 'c1',
        kind: 'missing_in_rehook',
        transactionId: 't3',
        direction: 'credit',
        mirrorPoints: 7,
      },
    ]);
  });

  it('reports differing points as drift, never as a repair', () => {
    const result = compareLedger(
      'c1',
      [{ transactionId: 't1', direction: 'debit', points: 4 }],
      [tx('t1', 'debit', 5)],
    );
    expect(result.missing).toEqual([]);
    expect(result.drift).toEqual([
      {
        sourceId: 'c1',
        kind: 'points_differ',
        transactionId: 't1',
        direction: 'debit',
        mirrorPoints: 4,
        rehookPoints: 5,
      },
    ]);
  });
});

describe('compareReferrals', () => {
  it('reports friends missing on either side', () => {
    expect(
      compareReferrals('adv', ['cust_a', 'cust_b'], [{ id: 'cust_a' }, { id: 'cust_c', source_id: 'c' }]),
    ).toEqual([
      { sourceId: 'adv', kind: 'referral_missing_in_mirror', detail: `cust_c (c)${REFERRAL_NOT_REPAIRED}` },
      { sourceId: 'adv', kind: 'referral_missing_in_rehook', detail: 'cust_b' },
    ]);
  });
});
