import { toJsonObject, toJsonValue } from './json';

describe('toJsonValue', () => {
  it('copies JSON values unchanged', () => {
    const value = { a: [1, 'two', true, null, { b: 2.5 }], c: {} };
    expect(toJsonValue(value)).toEqual(value);
    expect(toJsonValue(value)).not.toBe(value);
  });

  it('handles values JSON cannot hold as JSON.stringify would', () => {
    expect(toJsonValue({ a: undefined, b: () => 1, c: Number.NaN, d: [undefined, Infinity] })).toEqual({
      c: null,
      d: [null, null],
    });
    expect(toJsonValue(undefined)).toBeUndefined();
    expect(toJsonValue(Symbol('s'))).toBeUndefined();
  });

  it('drops __proto__, constructor and prototype keys at every depth', () => {
    const body: unknown = JSON.parse(
      '{"ok": 1, "__proto__": {"x": 1}, "nested": {"constructor": {"prototype": {"x": 1}}, "prototype": 2, "keep": 3}}',
    );
    const copy = toJsonValue(body);
    expect(copy).toEqual({ ok: 1, nested: { keep: 3 } });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('drops values nested too deep to be real properties instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => toJsonValue({ deep })).not.toThrow();
  });
});

describe('toJsonObject', () => {
  it('gives {} for anything that is not an object', () => {
    for (const value of [null, undefined, 'text', 1, [1]]) expect(toJsonObject(value)).toEqual({});
  });

  it('leaves out the keys it is asked to skip', () => {
    expect(toJsonObject({ CustomerID: 'c', name: 'n' }, (key) => key === 'CustomerID')).toEqual({
      name: 'n',
    });
  });
});
