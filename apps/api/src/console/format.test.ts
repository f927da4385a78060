import { duration, orDash, points, when } from './format';

describe('console formatting', () => {
  it('shows timestamps in UTC with a machine-readable datetime', () => {
    expect(String(when('2026-12-05T06:00:01.123Z'))).toBe(
      '<time datetime="2026-12-05T06:00:01.123Z">2026-12-05 06:00:01 UTC</time>',
    );
    expect(when(null)).toBe('—');
  });

  it('groups the digits of points and keeps up to four decimals', () => {
    expect(points(1234567.5)).toBe('1,234,567.5');
    expect(points(0.12345)).toBe('0.1235');
    expect(points(-250)).toBe('-250');
    expect(points(null)).toBe('—');
  });

  it('picks a readable unit for durations', () => {
    expect(duration(12)).toBe('12 ms');
    expect(duration(4_500)).toBe('4.5 s');
    expect(duration(600_000)).toBe('10 min');
    expect(duration(3 * 3_600_000)).toBe('3.0 h');
    expect(duration(null)).toBe('—');
  });

  it('shows a dash for what is absent', () => {
    expect(orDash(null)).toBe('—');
    expect(orDash('')).toBe('—');
    expect(orDash(0)).toBe('0');
  });
});
