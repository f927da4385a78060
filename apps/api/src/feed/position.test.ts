import fc from 'fast-check';
import { FeedPosition, feedKey, laterPosition } from './position';

const MAX = 2n ** 63n - 1n;
const hex16 = (n: bigint) => n.toString(16).padStart(16, '0');
const key = fc.record({ txId: fc.bigInt({ min: 0n, max: MAX }), seq: fc.bigInt({ min: 0n, max: MAX }) });

describe('feed positions', () => {
  it('decode to the key they encode', () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(feedKey(FeedPosition.parse(hex16(k.txId) + hex16(k.seq)))).toEqual(k);
      }),
    );
  });

  it('compare as strings as their keys compare as (tx_id, seq)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const byKey = a.txId === b.txId ? Math.sign(Number(a.seq - b.seq)) : a.txId < b.txId ? -1 : 1;
        const pa = hex16(a.txId) + hex16(a.seq);
        const pb = hex16(b.txId) + hex16(b.seq);
        expect(pa === pb ? 0 : pa < pb ? -1 : 1).toBe(byKey);
      }),
    );
  });

  it.each([
    ['a seq', '105'],
    ['too short', '0'.repeat(31)],
    ['upper case', `${'0'.repeat(31)}A`],
    ['above a bigint', `8${'0'.repeat(31)}`],
    ['a seq above a bigint', `${'0'.repeat(16)}f${'0'.repeat(15)}`],
    ['padded', ` ${'0'.repeat(32)}`],
  ])('refuses %s', (_what, text) => {
    expect(FeedPosition.safeParse(text).success).toBe(false);
  });

  it('picks the later of two positions', () => {
    const a = `${'0'.repeat(31)}1`;
    const b = `${'0'.repeat(15)}1${'0'.repeat(16)}`;
    expect(laterPosition(a, b)).toBe(b);
    expect(laterPosition(b, undefined)).toBe(b);
    expect(laterPosition(undefined, undefined)).toBeUndefined();
  });
});
