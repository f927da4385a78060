import fc from 'fast-check';
import { compareCodePoints, compareStamps } from './ordering';

describe('compareCodePoints', () => {
  it('orders strings as Postgres COLLATE "C" does (UTF-8 byte order), surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareCodePoints(a, b))).toBe(bytes);
      }),
    );
  });

  it('puts a character above U+FFFF after U+FFFD, unlike UTF-16 order', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFD').toBe(true);
  });
});

describe('compareStamps', () => {
  it('orders by receipt stamp, then idempotency key', () => {
    expect(compareStamps({ stamp: 2n, key: 'a' }, { stamp: 10n, key: 'a' })).toBeLessThan(0);
    expect(compareStamps({ stamp: 5n, key: 'b' }, { stamp: 5n, key: 'a' })).toBeGreaterThan(0);
    expect(compareStamps({ stamp: 5n, key: 'a' }, { stamp: 5n, key: 'a' })).toBe(0);
  });
});
