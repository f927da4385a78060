import fc from 'fast-check';
import { positiveIntegerParam, positiveIntegerPattern } from './integer-param';

describe('positiveIntegerPattern', () => {
  it('matches exactly the decimal integers from 1 to max, for any max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -10, max: 200_000 }), (max, n) => {
        const pattern = positiveIntegerPattern(max);
        expect(pattern.test(String(n))).toBe(n >= 1 && n <= max);
      }),
    );
  });

  it('matches every number of a range and its bounds, and nothing written another way', () => {
    const pattern = positiveIntegerPattern(500);
    for (let n = 0; n <= 1000; n++) expect(pattern.test(String(n))).toBe(n >= 1 && n <= 500);
    for (const text of [
      '0x10',
      '1e2',
      '0b11',
      '0o7',
      ' 10',
      '10 ',
      '010',
      '+10',
      '-0',
      '10.0',
      '1_0',
      '',
      '５',
    ]) {
      expect(pattern.test(text)).toBe(false);
    }
  });

  it('rejects strings of any other shape', () => {
    const pattern = positiveIntegerPattern(1440);
    fc.assert(
      fc.property(fc.string(), (text) => {
        const plain = /^[1-9]\d*$/.test(text) && Number(text) <= 1440;
        expect(pattern.test(text)).toBe(plain);
      }),
    );
  });
});

describe('positiveIntegerParam', () => {
  const limit = positiveIntegerParam({ max: 500, default: 50, description: 'Page size.' });

  it('gives the number, or the default when absent', () => {
    expect(limit.parse('7')).toBe(7);
    expect(limit.parse('500')).toBe(500);
    expect(limit.parse(undefined)).toBe(50);
  });

  it('refuses out of range, non-decimal and repeated values', () => {
    for (const value of ['0', '501', '0x10', '1e2', ' 10', ['1', '2']]) {
      expect(limit.safeParse(value).success).toBe(false);
    }
  });
});
