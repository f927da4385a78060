import { idempotencyKeyFromBody, idempotencyKeyFromDeliveryId, jobIdForKey } from './idempotency-key';

describe('idempotency keys', () => {
  it('give the same key to bodies that differ only in key order and whitespace', () => {
    const a = JSON.parse(
      '{"event_name":"signup","metadata":{"a":1,"b":[1,2]},"source_id":"KMN@123"}',
    ) as unknown;
    const b = JSON.parse(
      '{ "source_id": "KMN@123",\n "metadata": { "b": [1, 2], "a": 1 }, "event_name": "signup" }',
    ) as unknown;
    expect(idempotencyKeyFromBody(a)).toBe(idempotencyKeyFromBody(b));
  });

  it('give different keys to bodies that differ in any value or in array order', () => {
    const key = (text: string) => idempotencyKeyFromBody(JSON.parse(text) as unknown);
    expect(key('{"a":[1,2]}')).not.toBe(key('{"a":[2,1]}'));
    expect(key('{"a":1}')).not.toBe(key('{"a":"1"}'));
  });

  it('are the SHA-256 of the canonical JSON, prefixed', () => {
    // sha256('{"a":1}')
    expect(idempotencyKeyFromBody({ a: 1 })).toBe(
      'sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    );
  });

  it('take a delivery id verbatim, under its own prefix', () => {
    expect(idempotencyKeyFromDeliveryId('evt_01H:42')).toBe('delivery:evt_01H:42');
  });
});

describe('jobIdForKey', () => {
  it('is 64 hex digits, without colons, and never parses as an integer', () => {
    for (const key of ['delivery:1', 'delivery:a:b:c', idempotencyKeyFromBody({})]) {
      const id = jobIdForKey(key);
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(String(parseInt(id, 10))).not.toBe(id);
    }
  });

  it('is the digest of a body-hash key, and the hash of any other key', () => {
    const bodyKey = idempotencyKeyFromBody({ a: 1 });
    expect(jobIdForKey(bodyKey)).toBe(bodyKey.slice('sha256:'.length));
    const forged = `sha256:${'g'.repeat(64)}`;
    expect(jobIdForKey(forged)).toMatch(/^[0-9a-f]{64}$/);
    expect(jobIdForKey(forged)).not.toBe('g'.repeat(64));
  });

  it('is stable for a key and differs between keys', () => {
    expect(jobIdForKey('delivery:x')).toBe(jobIdForKey('delivery:x'));
    expect(jobIdForKey('delivery:x')).not.toBe(jobIdForKey('delivery:y'));
  });
});
