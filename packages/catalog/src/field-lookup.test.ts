import { fieldKey, fieldPicker, isRecord, isUnsafeKey, lookupField } from './field-lookup';

describe('fieldKey', () => {
  it('reduces the snake_case, camelCase and PascalCase spellings of a field to one key, with Id and ID alike', () => {
    const spellings = ['customer_id', 'customerId', 'CustomerId', 'CustomerID', 'customerID', 'CUSTOMER_ID'];
    expect(new Set(spellings.map(fieldKey))).toEqual(new Set(['customerid']));
  });

  it('keeps fields that differ by more than case and underscores apart', () => {
    expect(fieldKey('CustomerId')).not.toBe(fieldKey('ConnectedCustomerId'));
    expect(fieldKey('source_id')).not.toBe(fieldKey('source'));
  });

  it('gives the same answer for keys too long to cache', () => {
    const long = `${'Very_Long_'.repeat(20)}Id`;
    expect(fieldKey(long)).toBe(long.toLowerCase().replaceAll('_', ''));
    expect(fieldKey(long)).toBe(fieldKey(long));
  });
});

describe('lookupField', () => {
  it('finds a field whatever its spelling in the body', () => {
    expect(lookupField({ CampaignID: 'camp_1' }, 'campaign_id')).toBe('camp_1');
    expect(lookupField({ campaign_id: 'camp_1' }, 'CampaignID')).toBe('camp_1');
  });

  it('takes the first matching key in body order when a body spells a field twice', () => {
    expect(lookupField({ CustomerID: 'first', customer_id: 'second' }, 'CustomerId')).toBe('first');
  });

  it('reads own fields only, never inherited ones', () => {
    const body: unknown = Object.create({ event_name: 'signup' });
    expect(lookupField(body, 'event_name')).toBeUndefined();
    expect(lookupField({}, 'constructor')).toBeUndefined();
    expect(lookupField({}, 'toString')).toBeUndefined();
  });

  it('gives undefined for a body that is not an object', () => {
    for (const body of [null, undefined, 'text', 42, ['CustomerId']]) {
      expect(lookupField(body, 'CustomerId')).toBeUndefined();
    }
  });
});

describe('fieldPicker', () => {
  const pick = fieldPicker(['transaction_id', 'points', 'created_at']);

  it('copies the wanted fields under the given spelling, and nothing else', () => {
    expect(pick({ TransactionID: 't1', Points: 5, type: 'credit' })).toEqual({
      transaction_id: 't1',
      points: 5,
      created_at: undefined,
    });
  });

  it('gives every wanted field as undefined for a body that is not an object', () => {
    expect(pick('wallet')).toEqual({ transaction_id: undefined, points: undefined, created_at: undefined });
    expect(pick([1, 2])).toEqual({ transaction_id: undefined, points: undefined, created_at: undefined });
  });

  it('takes the first spelling of a field that has a value', () => {
    expect(pick({ points: 1, Points: 2 }).points).toBe(1);
    expect(pick({ points: undefined, Points: 2 }).points).toBe(2);
  });

  it('skips __proto__, constructor and prototype keys of a body', () => {
    const body: unknown = JSON.parse('{"__proto__": {"points": 1}, "constructor": 2, "prototype": 3}');
    expect(pick(body)).toEqual({ transaction_id: undefined, points: undefined, created_at: undefined });
  });

  it('refuses to be built for two names with one key, or for an unsafe name', () => {
    expect(() => fieldPicker(['CustomerId', 'customer_id'])).toThrow();
    expect(() => fieldPicker(['__proto__'])).toThrow();
  });
});

describe('isRecord and isUnsafeKey', () => {
  it('call objects records, and arrays and null not', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord('{}')).toBe(false);
  });

  it('name exactly the three prototype-pollution keys', () => {
    expect(['__proto__', 'constructor', 'prototype'].every(isUnsafeKey)).toBe(true);
    expect(['proto', 'Constructor', 'toString'].some(isUnsafeKey)).toBe(false);
  });
});
