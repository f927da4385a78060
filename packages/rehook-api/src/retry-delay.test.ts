import { parseRetryAfter, retryDelayMs } from './retry-delay';

describe('retryDelayMs', () => {
  const options = {
    backoffMs: 100,
    maxDelayMs: 10_000,
    now: Date.parse('2026-01-01T00:00:00Z'),
    random: () => 1,
  };

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelayMs('3', 1, options)).toBe(3000);
    expect(retryDelayMs('Thu, 01 Jan 2026 00:00:05 GMT', 1, options)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', options.now)).toBe(0);
  });

  it('caps what the server asks for', () => {
    expect(retryDelayMs('3600', 1, options)).toBe(10_000);
  });

  it('backs off exponentially without a usable header', () => {
    expect(retryDelayMs(null, 1, options)).toBe(100);
    expect(retryDelayMs('soon', 3, options)).toBe(400);
    expect(retryDelayMs(null, 30, options)).toBe(10_000);
  });
});
