import { storable } from './storable';

describe('storable', () => {
  it('returns the same object when every string can be stored', () => {
    const value = { a: ['x', { b: 'y' }], at: new Date(0) };
    expect(storable(value)).toBe(value);
  });

  it('replaces NUL and unpaired surrogates, in values and keys, and keeps dates', () => {
    const at = new Date(0);
    expect(storable({ 'k\u0000': ['a\ud800b'], ok: '\u{1F600}', at })).toEqual({
      'k\ufffd': ['a\ufffdb'],
      ok: '\u{1F600}',
      at,
    });
  });
});
