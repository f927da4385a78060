import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { canonicalBodyText, contentDigest } from './content-key';
import { parseLosslessJson } from './lossless-json';

const digestOf = (text: string) => contentDigest(text, JSON.parse(text) as unknown);

describe('canonicalBodyText', () => {
  it('tells apart bodies that differ only in an integer above 2^53', () => {
    const a = '{"event_name":"order_success","metadata":{"order_id":9007199254740993}}';
    const b = '{"event_name":"order_success","metadata":{"order_id":9007199254740992}}';
    expect(JSON.parse(a)).toEqual(JSON.parse(b));
    expect(digestOf(a)).not.toBe(digestOf(b));
  });

  it('tells apart numbers whose spelling changes the value, not those whose spelling keeps it', () => {
    expect(digestOf('{"total":0.30000000000000000001}')).not.toBe(digestOf('{"total":0.3}'));
    expect(digestOf('{"total":1e400}')).not.toBe(digestOf('{"total":null}'));
    expect(digestOf('{"total": 549.0, "b": 1}')).toBe(digestOf('{"b":1,"total":549}'));
    expect(digestOf('{"total":5.49e2}')).toBe(digestOf('{"total":549}'));
  });

  it('is the canonical JSON of the exact values, whichever way the body was read', () => {
    // Bodies of ordinary numbers take the fast way (JSON.parse); the others the exact one.
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        return canonicalBodyText(text, JSON.parse(text)) === canonicalJson(parseLosslessJson(text));
      }),
    );
  });
});
