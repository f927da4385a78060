import type { NormalizeResult, RehookEvent } from './events';
import { normalize } from './normalize';
import { fixture } from './test-fixtures';

function recognized(result: NormalizeResult): RehookEvent {
  if (result.outcome !== 'recognized')
    throw new Error(`expected a recognized event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** The fixture `group/file` with `metadata` changed by `change` (which may mutate it). */
function withMetadata(group: string, file: string, change: (metadata: Record<string, unknown>) => void) {
  const body = fixture(group, file);
  change(body.metadata as Record<string, unknown>);
  return body;
}

describe('normalize: bodies that are not events', () => {
  it.each([
    ['null', null, 'the body must be a JSON object, not null'],
    ['an array', [{ event_name: 'signup' }], 'the body must be a JSON object, not an array'],
    ['a string', 'signup', 'the body must be a JSON object, not string'],
    ['a number', 42, 'the body must be a JSON object, not number'],
    ['undefined', undefined, 'the body must be a JSON object, not undefined'],
  ])('calls %s invalid', (_label, body, reason) => {
    expect(normalize(body)).toEqual({ outcome: 'invalid', name: null, rawName: null, sourceId: '', reason });
  });

  it('calls an object without event_name invalid, keeping its source_id', () => {
    expect(normalize({ source_id: 'KMN@123', metadata: {} })).toEqual({
      outcome: 'invalid',
      name: null,
      rawName: null,
      sourceId: 'KMN@123',
      reason: 'event_name is missing',
    });
  });

  it('calls an event_name that is not a string invalid, with no raw name', () => {
    expect(normalize({ event_name: 7, source_id: 'KMN@123' })).toMatchObject({
      outcome: 'invalid',
      rawName: null,
      reason: 'event_name must be a string',
    });
  });

  it('calls an empty event_name invalid, keeping it as the raw name', () => {
    expect(normalize({ event_name: ' ', source_id: 'KMN@123' })).toMatchObject({
      outcome: 'invalid',
      name: null,
      rawName: ' ',
      reason: 'event_name is empty',
    });
  });

  it('calls an unknown event name unrecognized, with its raw name, source id and a reason', () => {
    expect(
      normalize({ event_name: 'customer.tier.upgraded', source_id: 'KMN@123', metadata: { tier: 2 } }),
    ).toEqual({
      outcome: 'unrecognized',
      rawName: 'customer.tier.upgraded',
      sourceId: 'KMN@123',
      reason: 'unknown event name "customer.tier.upgraded"',
    });
  });

  it('shortens a huge unknown name in the reason but keeps it whole as the raw name', () => {
    const rawName = 'x'.repeat(10_000);
    const result = normalize({ event_name: rawName, source_id: '' });
    expect(result).toMatchObject({ outcome: 'unrecognized', rawName });
    expect(result.outcome === 'unrecognized' && result.reason.length).toBeLessThan(200);
  });

  it('reads the Rehook test button body {} as invalid rather than failing', () => {
    expect(normalize({})).toMatchObject({ outcome: 'invalid', reason: 'event_name is missing' });
  });
});

describe('normalize: source_id', () => {
  it.each([
    'customer.rewarded.webhook.json',
    'order_success.json',
    'wallet.credited.json',
    'wallet.debited.json',
    'customer.created.json',
    'customer.referral.successful.advocate.json',
  ])('calls documented %s with an empty source_id invalid, since it is about a customer', (file) => {
    const body = { ...fixture('documented', file), source_id: '' };
    const result = normalize(body);
    expect(result).toMatchObject({ outcome: 'invalid', sourceId: '' });
    expect(result.outcome === 'invalid' && result.reason).toMatch(
      /^source_id is empty, but .* is about a customer$/,
    );
  });

  it.each([
    'signup.json',
    'customer.updated.json',
    'customer.meta.updated.json',
    'coupon.rewarded.json',
    'customer.referred.json',
    'customer.leaderboard.awarded.json',
    'customer.segment.entered.json',
    'customer.segment.left.json',
  ])('calls assumed %s without a source_id invalid, since it is about a customer', (file) => {
    const { source_id: _dropped, ...body } = fixture('assumed', file);
    const result = normalize(body);
    expect(result.outcome).toBe('invalid');
    expect(result.outcome === 'invalid' && result.reason).toMatch(
      /^source_id is missing, but .* is about a customer$/,
    );
  });

  it('accepts an empty source_id on coupon redemptions and rollbacks, which are keyed by redemption id', () => {
    for (const file of ['coupon.redeemed.json', 'coupon.redemption.rollback.json']) {
      expect(normalize({ ...fixture('assumed', file), source_id: '' })).toMatchObject({
        outcome: 'recognized',
        event: { sourceId: '' },
      });
    }
  });

  it('reads a numeric source_id as its decimal text', () => {
    const event = recognized(normalize({ ...fixture('documented', 'order_success.json'), source_id: 12345 }));
    expect(event.sourceId).toBe('12345');
  });

  it('calls a source_id that is neither text nor a number invalid on an event about a customer', () => {
    expect(normalize({ ...fixture('documented', 'order_success.json'), source_id: { id: 1 } })).toMatchObject(
      {
        outcome: 'invalid',
        name: 'order_success',
        sourceId: '',
        reason: 'source_id must be a string, but order_success is about a customer',
      },
    );
  });
});

describe('normalize: required fields name themselves in the reason', () => {
  it.each([
    [
      'wallet.credited without a transaction id',
      withMetadata(
        'documented',
        'wallet.credited.json',
        (m) => delete (m.wallet as Record<string, unknown>).transaction_id,
      ),
      'metadata.wallet.transaction_id is missing',
    ],
    [
      'wallet.debited without any points',
      withMetadata('documented', 'wallet.debited.json', (m) => {
        delete m.points;
        delete (m.wallet as Record<string, unknown>).points;
      }),
      'metadata.wallet.points is missing',
    ],
    [
      'wallet.credited with negative points',
      withMetadata(
        'documented',
        'wallet.credited.json',
        (m) => ((m.wallet as Record<string, unknown>).points = -10),
      ),
      'metadata.wallet.points must not be negative',
    ],
    [
      'wallet.credited with garbage points',
      withMetadata(
        'documented',
        'wallet.credited.json',
        (m) => ((m.wallet as Record<string, unknown>).points = 'ten'),
      ),
      'metadata.wallet.points must be a number',
    ],
    [
      'wallet.credited without a wallet at all',
      withMetadata('documented', 'wallet.credited.json', (m) => delete m.wallet),
      'metadata.wallet.transaction_id is missing',
    ],
    [
      'a webhook customer.rewarded without a redemption id',
      withMetadata(
        'documented',
        'customer.rewarded.webhook.json',
        (m) => delete (m.reward as Record<string, unknown>).redemption_id,
      ),
      'metadata.reward.redemption_id is missing (a webhook reward, with no wallet transaction, is keyed by it)',
    ],
    [
      'a webhook customer.rewarded with negative points',
      withMetadata('documented', 'customer.rewarded.webhook.json', (m) => (m.points = -100)),
      'metadata.points must not be negative',
    ],
    [
      'a wallet customer.rewarded with unreadable wallet points',
      withMetadata(
        'documented',
        'customer.rewarded.wallet.json',
        (m) => ((m.wallet as Record<string, unknown>).points = []),
      ),
      'metadata.wallet.points must be a number',
    ],
    [
      'customer.referral.successful.advocate whose friend is "NA"',
      withMetadata(
        'documented',
        'customer.referral.successful.advocate.json',
        (m) => (m.ConnectedCustomerId = 'NA'),
      ),
      'metadata.ConnectedCustomerId is "NA" (unknown)',
    ],
    [
      'customer.referral.successful.friend without a campaign',
      withMetadata('documented', 'customer.referral.successful.friend.json', (m) => delete m.CampaignID),
      'metadata.CampaignID is missing',
    ],
    [
      'customer.referred without the friend',
      withMetadata('assumed', 'customer.referred.json', (m) => delete m.CustomerId),
      'metadata.CustomerId is missing',
    ],
    [
      'coupon.created whose coupon object has no code',
      withMetadata(
        'assumed',
        'coupon.created.json',
        (m) => delete (m.coupon as Record<string, unknown>).code,
      ),
      'metadata.coupon.code is missing',
    ],
    [
      'coupon.redeemed without a coupon',
      withMetadata('assumed', 'coupon.redeemed.json', (m) => delete m.coupon),
      'metadata.coupon is missing',
    ],
    [
      'coupon.redeemed without a redemption id',
      withMetadata('assumed', 'coupon.redeemed.json', (m) => delete m.redemption_id),
      'metadata.redemption_id is missing',
    ],
    [
      'coupon.redemption.rollback with an empty redemption id',
      withMetadata('assumed', 'coupon.redemption.rollback.json', (m) => (m.redemption_id = '')),
      'metadata.redemption_id is empty',
    ],
    [
      'customer.leaderboard.awarded without a leaderboard',
      withMetadata('assumed', 'customer.leaderboard.awarded.json', (m) => delete m.leaderboard),
      'metadata.leaderboard.id is missing',
    ],
    [
      'customer.leaderboard.awarded whose recurrence start is not text',
      withMetadata('assumed', 'customer.leaderboard.awarded.json', (m) => {
        (m.leaderboard as { recurrence: Record<string, unknown> }).recurrence.start_date = 20230901;
      }),
      'metadata.leaderboard.recurrence.start_date must be a string',
    ],
    [
      'customer.segment.entered without a segment id',
      withMetadata('assumed', 'customer.segment.entered.json', (m) => delete m.SegmentId),
      'metadata.SegmentId is missing',
    ],
  ])('calls %s invalid', (_label, body, reason) => {
    const result = normalize(body);
    expect(result).toMatchObject({ outcome: 'invalid', reason });
    expect(result.outcome === 'invalid' && result.name).toBeTruthy();
    expect(result.outcome === 'invalid' && result.rawName).toBe(body.event_name);
  });

  it('lists several missing fields in one reason', () => {
    const body = withMetadata('documented', 'customer.referral.successful.advocate.json', (m) => {
      delete m.CampaignID;
      delete m.ConnectedCustomerId;
    });
    expect(normalize(body)).toMatchObject({
      reason: 'metadata.CampaignID is missing; metadata.ConnectedCustomerId is missing',
    });
  });

  it('calls metadata that is not an object invalid', () => {
    expect(
      normalize({ ...fixture('documented', 'wallet.credited.json'), metadata: 'points: 10' }),
    ).toMatchObject({
      outcome: 'invalid',
      name: 'wallet.credited',
      reason: 'metadata must be an object',
    });
  });

  it('reads missing metadata as no fields, so events that need none are still recognized', () => {
    const { metadata: _dropped, ...body } = fixture('documented', 'customer.created.json');
    expect(recognized(normalize(body)).data).toEqual({ rehookCustomerId: null, properties: {} });
  });
});

describe('normalize: optional fields', () => {
  it('reads optional fields of the wrong type as null instead of failing the event', () => {
    const body = withMetadata('documented', 'customer.rewarded.webhook.json', (m) => {
      m.campaign = 'camp_as_text';
      m.coupon = 42.5;
      (m.reward as Record<string, unknown>).name = { en: 'Webhook points' };
      (m.reward as Record<string, unknown>).redemption_date = 'not a date';
      (m.reward as Record<string, unknown>).reward_id = ['rewd_1'];
    });
    expect(recognized(normalize(body)).data).toMatchObject({
      kind: 'webhook',
      campaignId: null,
      campaignType: null,
      coupon: '42.5',
      reward: {
        redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF',
        rewardId: null,
        name: null,
        redemptionDate: null,
      },
    });
  });

  it('reads numbers sent as numeric strings', () => {
    const order = withMetadata('documented', 'order_success.json', (m) => (m.total = '549.50'));
    expect(recognized(normalize(order)).data).toMatchObject({ total: 549.5 });
    const credit = withMetadata('documented', 'wallet.credited.json', (m) => {
      (m.wallet as Record<string, unknown>).points = '25';
    });
    expect(recognized(normalize(credit)).data).toMatchObject({ wallet: { points: 25 } });
    const award = withMetadata('assumed', 'customer.leaderboard.awarded.json', (m) => {
      m.score = '1520.5';
      m.rank = '1';
    });
    expect(recognized(normalize(award)).data).toMatchObject({ score: 1520.5, rank: 1 });
  });

  it('reads an unreadable optional amount as null', () => {
    const order = withMetadata('documented', 'order_success.json', (m) => (m.total = 'lots'));
    expect(recognized(normalize(order)).data).toMatchObject({ total: null, itemCount: 1 });
  });

  it('takes the wallet points from metadata.points when the wallet does not carry them', () => {
    const body = withMetadata('documented', 'wallet.debited.json', (m) => {
      delete (m.wallet as Record<string, unknown>).points;
      m.points = 4;
    });
    expect(recognized(normalize(body)).data).toMatchObject({ wallet: { points: 4, direction: 'debit' } });
  });

  it('reads a coupon code sent as a string or inside a coupon object', () => {
    const asObject = withMetadata(
      'assumed',
      'coupon.redeemed.json',
      (m) => (m.coupon = { Code: 'DIWALI123' }),
    );
    expect(recognized(normalize(asObject)).data).toMatchObject({ code: 'DIWALI123' });
    const asString = withMetadata('assumed', 'coupon.created.json', (m) => (m.coupon = 'DIWALI123'));
    expect(recognized(normalize(asString)).data).toMatchObject({ code: 'DIWALI123', details: {} });
  });

  it('keeps a coupon code "NA" as a real code, since codes are the shop\'s own text', () => {
    const body = withMetadata('assumed', 'coupon.redeemed.json', (m) => (m.coupon = 'NA'));
    expect(recognized(normalize(body)).data).toMatchObject({ code: 'NA' });
  });

  it('reads an absent leaderboard recurrence as "" and no end', () => {
    const body = withMetadata('assumed', 'customer.leaderboard.awarded.json', (m) => {
      delete (m.leaderboard as Record<string, unknown>).recurrence;
    });
    expect(recognized(normalize(body)).data).toMatchObject({ recurrence: '', recurrenceEnd: null });
  });

  it('takes the advocate of an advocate event from AdvocateId when CustomerId is unknown', () => {
    const body = withMetadata(
      'documented',
      'customer.referral.successful.advocate.json',
      (m) => (m.CustomerId = 'NA'),
    );
    expect(recognized(normalize(body)).data).toMatchObject({
      advocateCustomerId: 'cust_IaU3FtThmRR9PQR3dlg3G',
      subjectCustomerId: null,
    });
  });
});

describe('normalize: profile properties', () => {
  it('takes every signup and customer.updated field but the customer id as a property', () => {
    const body = withMetadata('assumed', 'signup.json', (m) => {
      m.customer_id = 'cust_other_spelling';
      m.address = { city: 'Pune', pins: [411001] };
    });
    expect(recognized(normalize(body)).data).toEqual({
      rehookCustomerId: 'cust_7YbQm2LkP0aXsW3nR8tVd',
      properties: { email: 'asha@example.com', name: 'Asha Rao', address: { city: 'Pune', pins: [411001] } },
    });
  });

  it('takes customer.meta.updated properties from metadata itself when there is no properties object', () => {
    const body = {
      event_name: 'customer.meta.updated',
      source_id: 'New_customer20',
      metadata: { CustomerID: 'cust_1', tier: 'silver' },
    };
    expect(recognized(normalize(body)).data).toEqual({
      rehookCustomerId: 'cust_1',
      properties: { tier: 'silver' },
    });
  });

  it('gives customer.meta.updated no properties when its properties field is not an object', () => {
    const body = withMetadata('assumed', 'customer.meta.updated.json', (m) => (m.properties = null));
    expect(recognized(normalize(body)).data).toMatchObject({ properties: {} });
  });

  it('gives customer.created no properties even when it carries other fields', () => {
    const body = withMetadata('documented', 'customer.created.json', (m) => (m.email = 'x@example.com'));
    expect(recognized(normalize(body)).data).toMatchObject({ properties: {} });
  });
});

describe('normalize: the internal mirror.reward.fulfilled', () => {
  const body = {
    event_name: 'mirror.reward.fulfilled',
    source: 'mirror',
    source_id: '',
    metadata: { redemption_id: 'redm_pVRReQyxgFEr3MsSQIYBF' },
  };

  it('is read from a body the mirror wrote itself', () => {
    expect(normalize(body, { origin: 'mirror' })).toEqual({
      outcome: 'recognized',
      event: {
        name: 'mirror.reward.fulfilled',
        rawName: 'mirror.reward.fulfilled',
        sourceId: '',
        data: { redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF' },
      },
    });
  });

  it('is invalid from a webhook, so that a webhook cannot mark rewards fulfilled', () => {
    for (const result of [normalize(body), normalize(body, { origin: 'webhook' })]) {
      expect(result).toEqual({
        outcome: 'invalid',
        name: 'mirror.reward.fulfilled',
        rawName: 'mirror.reward.fulfilled',
        sourceId: '',
        reason: 'mirror.reward.fulfilled is internal to the mirror and is not accepted from a webhook',
      });
    }
  });

  it('needs its redemption id', () => {
    expect(normalize({ ...body, metadata: {} }, { origin: 'mirror' })).toMatchObject({
      outcome: 'invalid',
      reason: 'metadata.redemption_id is missing',
    });
  });

  it('reads Rehook events from the mirror like any other', () => {
    expect(normalize(fixture('documented', 'order_success.json'), { origin: 'mirror' })).toMatchObject({
      outcome: 'recognized',
    });
  });
});
