import fc from 'fast-check';
import { instantParam } from './instant-param';

const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

describe('instantParam', () => {
  it('accepts instants of years 0001 to 9999 at any offset that keeps them there', () => {
    for (const value of [
      '0001-01-01T00:00:00Z',
      '0001-01-01T00:00:00+00:00',
      '0001-01-01T00:30:00-01:00',
      '0001-01-02T00:30:00+14:00',
      '2026-03-31T23:59:59.999+05:30',
      '9999-12-31T23:59:59.9999999Z',
      '9999-12-31T23:00:00+05:00',
    ]) {
      expect({ value, ok: instantParam.safeParse(value).success }).toEqual({ value, ok: true });
    }
  });

  it('refuses year 0000 and offsets that leave the range', () => {
    for (const value of [
      '0000-01-01T00:00:00Z',
      '0000-12-31T23:59:59.999Z',
      '0001-01-01T00:30:00+01:00',
      '9999-12-31T23:00:00-05:00',
      '2026-02-30T00:00:00Z',
    ]) {
      expect({ value, ok: instantParam.safeParse(value).success }).toEqual({ value, ok: false });
    }
  });

  it('never accepts an instant outside the range, in local or UTC time, and refuses in-range ones only on the two edge days', () => {
    const offset = fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([sign, h, m]) => ({
        text: `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
        ms: (sign === '+' ? 1 : -1) * (h * 60 + m) * 60_000,
      }));
    // Local times near both ends of the range, where an offset can carry them out of it.
    const local = fc.oneof(
      fc.integer({ min: FIRST - 2 * 86_400_000, max: FIRST + 2 * 86_400_000 }),
      fc.integer({ min: LAST - 2 * 86_400_000, max: LAST + 2 * 86_400_000 }),
    );
    const inRange = (ms: number) => ms >= FIRST && ms <= LAST;
    fc.assert(
      fc.property(local, offset, (localMs, off) => {
        const iso = new Date(localMs).toISOString();
        // toISOString writes years outside 0000-9999 with a sign; those are not RFC 3339.
        fc.pre(/^\d{4}-/.test(iso));
        const text = `${iso.slice(0, -1)}${off.text}`;
        const accepted = instantParam.safeParse(text).success;
        if (accepted) expect([inRange(localMs), inRange(localMs - off.ms)]).toEqual([true, true]);
        const edgeDay = iso.startsWith('0001-01-01') || iso.startsWith('9999-12-31');
        if (!edgeDay && inRange(localMs)) expect(accepted).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
