import fc from 'fast-check';
import { formatAmount, toAmount } from './amount';
import { UnprojectableValueError } from './unprojectable';

describe('amounts', () => {
  it('keeps four decimals exactly, so sums do not depend on the order of addition', () => {
    expect(formatAmount(toAmount(0.1, 'x') + toAmount(0.2, 'x'))).toBe('0.3000');
    expect(formatAmount(toAmount(549, 'x'))).toBe('549.0000');
    expect(formatAmount(toAmount(-12.34567, 'x'))).toBe('-12.3457');
    expect(formatAmount(toAmount(-0.00001, 'x'))).toBe('0.0000');
  });

  it('round-trips through its decimal text for any value within the limit', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (value) => {
        const amount = toAmount(value, 'x');
        expect(toAmount(Number(formatAmount(amount)), 'x')).toBe(amount);
      }),
    );
  });

  it('refuses amounts beyond the limit of one amount (|value| < 1e16), as an unprojectable value', () => {
    expect(() => toAmount(1e16, 'points')).toThrow(UnprojectableValueError);
    expect(() => toAmount(Number.POSITIVE_INFINITY, 'points')).toThrow(/points Infinity is out of range/);
  });
});
