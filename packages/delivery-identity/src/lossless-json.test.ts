import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { canonicalNumberText, LosslessNumber, parseLosslessJson } from './lossless-json';

describe('canonicalNumberText', () => {
  it('writes equal values alike and different values apart', () => {
    expect(['1', '1.0', '1e0', '10e-1', '0.1e1'].map(canonicalNumberText)).toEqual(['1', '1', '1', '1', '1']);
    expect(canonicalNumberText('-0')).toBe('0');
    expect(canonicalNumberText('9007199254740993')).toBe('9007199254740993');
    expect(canonicalNumberText('9007199254740992')).toBe('9007199254740992');
    expect(canonicalNumberText('1.00000000000000000001')).toBe('1.00000000000000000001');
    expect(canonicalNumberText('1e400')).toBe('1e+400');
    expect(canonicalNumberText('-1.5e-400')).toBe('-1.5e-400');
  });

  it('is String(Number(source)) for every double, written as JavaScript writes it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = String(value);
        return canonicalNumberText(text) === text;
      }),
    );
  });

  it('is String(Number(source)) for every source of at most 15 significant digits in the normal range', () => {
    const source = fc
      .tuple(
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 999_999_999_999_999n }),
        fc.integer({ min: -290, max: 290 }),
      )
      .map(([negative, digits, exponent]) => `${negative ? '-' : ''}${digits}e${exponent}`);
    fc.assert(fc.property(source, (text) => canonicalNumberText(text) === String(Number(text))));
  });

  it('refuses what is not a JSON number', () => {
    for (const bad of ['01', '1.', '.5', '+1', 'NaN', '']) expect(() => canonicalNumberText(bad)).toThrow();
  });
});

describe('parseLosslessJson', () => {
  it('reads what JSON.parse reads, numbers as their exact values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        return canonicalJson(parseLosslessJson(text)) === canonicalJson(JSON.parse(text) as unknown);
      }),
    );
  });

  it('keeps an integer above 2^53 that JSON.parse would round', () => {
    const value = parseLosslessJson('{"id": 9007199254740993}') as { id: LosslessNumber };
    expect(value.id).toEqual(new LosslessNumber('9007199254740993'));
  });

  it('keeps the last of duplicate keys and holds __proto__ as an ordinary key', () => {
    const value = parseLosslessJson('{"a": 1, "a": 2, "__proto__": {"x": true}}') as Record<string, unknown>;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":true},"a":2}');
    expect(Object.getPrototypeOf(value)).toBeNull();
  });

  it('reads any depth', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}1e400${']'.repeat(depth)}`;
    expect(canonicalJson(parseLosslessJson(text))).toBe(`${'['.repeat(depth)}1e+400${']'.repeat(depth)}`);
  });

  it('refuses what JSON.parse refuses', () => {
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '{"a":1,}', '[1] x', 'nul', '"\u0001"', "{'a':1}"]) {
      expect(() => JSON.parse(bad) as unknown).toThrow();
      expect(() => parseLosslessJson(bad)).toThrow(SyntaxError);
    }
  });
});
