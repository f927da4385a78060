import { missingOrWrong, readNumber, readString, WRONG_TYPE } from './values';

describe('readString', () => {
  it('keeps a string exactly as sent', () => {
    expect(readString('KMN@123', true)).toBe('KMN@123');
    expect(readString(' padded ', true)).toBe(' padded ');
  });

  it('reads a finite number as its decimal text', () => {
    expect(readString(12345, true)).toBe('12345');
    expect(readString(Number.NaN, true)).toBe(WRONG_TYPE);
  });

  it('reads absent, blank and (where asked) "NA" values as null', () => {
    for (const value of [undefined, null, '', '   ', 'NA', ' NA '])
      expect(readString(value, true)).toBeNull();
    expect(readString('NA', false)).toBe('NA');
  });

  it('calls anything else the wrong type', () => {
    for (const value of [true, {}, [], ['a']]) expect(readString(value, true)).toBe(WRONG_TYPE);
  });
});

describe('readNumber', () => {
  it('reads numbers and numeric strings alike', () => {
    expect(readNumber(10)).toBe(10);
    expect(readNumber('10')).toBe(10);
    expect(readNumber(' 10.5 ')).toBe(10.5);
    expect(readNumber('-3')).toBe(-3);
    expect(readNumber('1e3')).toBe(1000);
    expect(Object.is(readNumber(-0), 0)).toBe(true);
  });

  it('reads absent and blank values as null', () => {
    for (const value of [undefined, null, '', ' ']) expect(readNumber(value)).toBeNull();
  });

  it('calls non-finite numbers and non-decimal text the wrong type', () => {
    const garbage: unknown[] = [
      Number.NaN,
      Infinity,
      'Infinity',
      '0x10',
      '10 points',
      '1e999',
      true,
      {},
      [10],
    ];
    for (const value of garbage) expect(readNumber(value)).toBe(WRONG_TYPE);
  });
});

describe('missingOrWrong', () => {
  it('says whether a required value is missing, empty, "NA" or of the wrong type', () => {
    expect(missingOrWrong(undefined, 'a string')).toBe('is missing');
    expect(missingOrWrong(null, 'a string')).toBe('is missing');
    expect(missingOrWrong('', 'a string')).toBe('is empty');
    expect(missingOrWrong('NA', 'a string')).toBe('is "NA" (unknown)');
    expect(missingOrWrong({}, 'a string')).toBe('must be a string');
    expect(missingOrWrong('ten', 'a number')).toBe('must be a number');
  });
});
