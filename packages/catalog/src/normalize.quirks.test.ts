import type { CustomerRewarded, NormalizeResult, RehookEvent } from './events';
import { normalize } from './normalize';
import { fixture } from './test-fixtures';

/*
 * One test per quirk listed in DESIGN.md, "Reading Rehook payloads".
 */

function recognized(result: NormalizeResult): RehookEvent {
  if (result.outcome !== 'recognized')
    throw new Error(`expected a recognized event, got ${JSON.stringify(result)}`);
  return result.event;
}

function rewardedData(body: unknown): CustomerRewarded['data'] {
  const event = recognized(normalize(body));
  if (event.name !== 'customer.rewarded') throw new Error(`expected customer.rewarded, got ${event.name}`);
  return event.data;
}

describe('reading Rehook payloads', () => {
  it('reads both spellings of the referral events as the single canonical name', () => {
    for (const party of ['advocate', 'friend']) {
      const body = fixture('documented', `customer.referral.successful.${party}.json`);
      const doubleL = recognized(
        normalize({ ...body, event_name: `customer.referral.successfull.${party}` }),
      );
      const singleL = recognized(normalize({ ...body, event_name: `customer.referral.successful.${party}` }));
      expect(doubleL.name).toBe(`customer.referral.successful.${party}`);
      expect(singleL.name).toBe(`customer.referral.successful.${party}`);
      expect(doubleL.data).toEqual(singleL.data);
    }
  });

  it('keeps the event name exactly as sent beside the canonical one', () => {
    const body = fixture('documented', 'customer.referral.successful.advocate.json');
    const event = recognized(normalize({ ...body, event_name: ' Customer.Referral.SUCCESSFULL.advocate ' }));
    expect(event.name).toBe('customer.referral.successful.advocate');
    expect(event.rawName).toBe(' Customer.Referral.SUCCESSFULL.advocate ');
  });

  it('reads a field in snake_case, camelCase or PascalCase, with Id and ID alike', () => {
    const spellings = [
      { transaction_id: 'trhi_1', created_at: '2023-09-22T10:12:48Z' },
      { transactionId: 'trhi_1', createdAt: '2023-09-22T10:12:48Z' },
      { TransactionId: 'trhi_1', CreatedAt: '2023-09-22T10:12:48Z' },
      { TransactionID: 'trhi_1', Created_At: '2023-09-22T10:12:48Z' },
      { transactionID: 'trhi_1', CREATED_AT: '2023-09-22T10:12:48Z' },
    ];
    for (const wallet of spellings) {
      const event = recognized(
        normalize({
          EventName: 'wallet.credited',
          SourceID: 'KMN@123',
          Metadata: { Wallet: { ...wallet, Points: 5 } },
        }),
      );
      expect(event).toEqual({
        name: 'wallet.credited',
        rawName: 'wallet.credited',
        sourceId: 'KMN@123',
        data: {
          wallet: {
            transactionId: 'trhi_1',
            direction: 'credit',
            points: 5,
            description: null,
            createdAt: new Date('2023-09-22T10:12:48Z'),
          },
        },
      });
    }
    const referred = fixture('assumed', 'customer.referred.json');
    const metadata = referred.metadata as Record<string, unknown>;
    for (const key of ['CustomerId', 'CustomerID', 'customer_id', 'customerId']) {
      const { CustomerId: id, ...rest } = metadata;
      const event = recognized(normalize({ ...referred, metadata: { ...rest, [key]: id } }));
      expect(event.data).toMatchObject({ friendCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW' });
    }
  });

  it('reads timestamps with 7 and with 9 fractional digits, truncated to milliseconds', () => {
    const seven = rewardedData(fixture('documented', 'customer.rewarded.wallet.json'));
    const nine = rewardedData(fixture('documented', 'customer.rewarded.webhook.json'));
    expect(seven.reward.redemptionDate).toEqual(new Date('2023-09-21T07:46:56.842Z')); // .8421482
    expect(nine.reward.redemptionDate).toEqual(new Date('2023-09-21T10:08:06.614Z')); // .614367478
  });

  it("reads Go's zero time as unset", () => {
    // The documented wallet reward's wallet.created_at is 0001-01-01T00:00:00Z.
    const data = rewardedData(fixture('documented', 'customer.rewarded.wallet.json'));
    expect(data.wallet?.createdAt).toBeNull();
  });

  it('reads a customer.rewarded with a wallet transaction id as a wallet reward, already credited', () => {
    const data = rewardedData(fixture('documented', 'customer.rewarded.wallet.json'));
    expect(data.kind).toBe('wallet');
    expect(data.wallet).toMatchObject({
      transactionId: 'trhi_9PO542v74DMGDkBkgLHtf',
      direction: 'credit',
      points: 10,
    });
  });

  it.each([
    ['{points: 0}', { points: 0 }],
    ['{}', {}],
    ['null', null],
    ['missing', undefined],
  ])(
    'reads a customer.rewarded whose wallet is %s as a webhook reward the shop must credit',
    (_label, wallet) => {
      const body = fixture('documented', 'customer.rewarded.webhook.json');
      const metadata = body.metadata as Record<string, unknown>;
      const data = rewardedData({ ...body, metadata: { ...metadata, wallet } });
      expect(data).toMatchObject({ kind: 'webhook', points: 100, wallet: null });
      expect(data.reward.redemptionId).toBe('redm_pVRReQyxgFEr3MsSQIYBF');
    },
  );

  it('a wallet.debited is a debit even when its payload says type credit', () => {
    const body = fixture('documented', 'wallet.debited.json');
    expect(body).toMatchObject({ metadata: { wallet: { type: 'credit' } } });
    const event = recognized(normalize(body));
    expect(event.data).toMatchObject({
      wallet: { direction: 'debit', transactionId: 'trhi_JfW8QKvD5SxfOfIqWRSe3' },
    });
  });

  it('a wallet.credited is a credit even when its payload says type debit', () => {
    const body = fixture('documented', 'wallet.credited.json');
    const metadata = body.metadata as { wallet: Record<string, unknown> };
    const event = recognized(
      normalize({ ...body, metadata: { ...metadata, wallet: { ...metadata.wallet, type: 'debit' } } }),
    );
    expect(event.data).toMatchObject({ wallet: { direction: 'credit' } });
  });

  it('reads "NA" and "" as an unknown value', () => {
    // The documented friend event has AdvocateId "NA", ConnectedCustomerId "NA" and Code "".
    const event = recognized(normalize(fixture('documented', 'customer.referral.successful.friend.json')));
    expect(event.data).toMatchObject({ advocateCustomerId: null, code: null });
    const referred = fixture('assumed', 'customer.referred.json');
    const metadata = referred.metadata as Record<string, unknown>;
    const unknown = recognized(
      normalize({ ...referred, metadata: { ...metadata, AdvocateId: 'NA', Code: '' } }),
    );
    expect(unknown.data).toMatchObject({ advocateCustomerId: null, code: null });
  });

  it('accepts an empty source_id on coupon.created, which is not about a customer', () => {
    const result = normalize(fixture('assumed', 'coupon.created.json'));
    expect(result).toMatchObject({ outcome: 'recognized', event: { name: 'coupon.created', sourceId: '' } });
  });

  it('keeps a source_id with characters that are unsafe in URLs exactly as sent', () => {
    const event = recognized(normalize(fixture('documented', 'customer.referral.successful.advocate.json')));
    expect(event.sourceId).toBe('KRISH@123');
  });

  it('records PointsRewarded of a referral without turning it into a pending reward', () => {
    const event = recognized(normalize(fixture('documented', 'customer.referral.successful.advocate.json')));
    expect(event.name).toBe('customer.referral.successful.advocate');
    expect(event.data).toMatchObject({ pointsRewarded: 10 });
    expect(event.data).not.toHaveProperty('kind');
  });

  it('reads the wallet points as the amount of the transaction, not a balance', () => {
    const body = fixture('documented', 'wallet.credited.json');
    const metadata = body.metadata as { wallet: Record<string, unknown> };
    const event = recognized(
      normalize({ ...body, metadata: { points: 999, wallet: { ...metadata.wallet, points: 7 } } }),
    );
    expect(event.data).toMatchObject({ wallet: { points: 7 } });
  });

  it("learns the customer's Rehook id from CustomerID on profile events and CustomerId on referral events", () => {
    expect(recognized(normalize(fixture('documented', 'customer.created.json'))).data).toMatchObject({
      rehookCustomerId: 'cust_rQgkYNzPVgye5RKUy9l30',
    });
    expect(
      recognized(normalize(fixture('documented', 'customer.referral.successful.friend.json'))).data,
    ).toMatchObject({ subjectCustomerId: 'cust_gNF2L20gWx71vGQ7dVPGW' });
  });
});
