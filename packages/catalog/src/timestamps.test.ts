import { parseRehookTimestamp } from './timestamps';

describe('parseRehookTimestamp', () => {
  it('reads 7 fractional digits, truncated to milliseconds', () => {
    expect(parseRehookTimestamp('2023-09-21T07:46:56.8421482Z')).toEqual(
      new Date('2023-09-21T07:46:56.842Z'),
    );
  });

  it('reads 9 fractional digits, truncated (not rounded) to milliseconds', () => {
    expect(parseRehookTimestamp('2023-09-21T10:08:06.614367478Z')).toEqual(
      new Date('2023-09-21T10:08:06.614Z'),
    );
    expect(parseRehookTimestamp('2023-09-21T10:08:06.999999999Z')).toEqual(
      new Date('2023-09-21T10:08:06.999Z'),
    );
  });

  it('reads times with no fraction or a short one', () => {
    expect(parseRehookTimestamp('2023-12-31T00:00:00Z')).toEqual(new Date('2023-12-31T00:00:00.000Z'));
    expect(parseRehookTimestamp('2023-12-31T00:00:00.5Z')).toEqual(new Date('2023-12-31T00:00:00.500Z'));
  });

  it('applies a numeric offset', () => {
    expect(parseRehookTimestamp('2023-09-21T13:16:56.123+05:30')).toEqual(
      new Date('2023-09-21T07:46:56.123Z'),
    );
    expect(parseRehookTimestamp('2023-09-21T02:46:56-0500')).toEqual(new Date('2023-09-21T07:46:56Z'));
  });

  it('reads a bare date as midnight UTC', () => {
    expect(parseRehookTimestamp('2023-12-31')).toEqual(new Date('2023-12-31T00:00:00Z'));
  });

  it("reads Go's zero time, and any other time in year 0001, as unset", () => {
    expect(parseRehookTimestamp('0001-01-01T00:00:00Z')).toBeNull();
    expect(parseRehookTimestamp('0001-06-15T12:30:00.1234567Z')).toBeNull();
  });

  it('reads early years as themselves, not as 19xx', () => {
    expect(parseRehookTimestamp('0050-01-01T00:00:00Z')?.getUTCFullYear()).toBe(50);
  });

  it('gives null for anything unparseable rather than an invalid date', () => {
    const bad: unknown[] = [
      undefined,
      null,
      '',
      'yesterday',
      '2023-02-30T00:00:00Z',
      '2023-13-01T00:00:00Z',
      '2023-09-21T24:00:00Z',
      '2023-09-21T07:46:60Z',
      '2023-09-21T07:46:56', // no zone: not guessed
      '2023-09-21T07:46:56+25:00',
      1695282416842,
      { date: '2023-09-21T07:46:56Z' },
    ];
    for (const value of bad) expect(parseRehookTimestamp(value)).toBeNull();
  });
});
