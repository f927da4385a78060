import { ConsoleSessions, cookieValue, SESSION_TTL_MS } from './session';

const NOW = Date.UTC(2026, 11, 5, 6, 0, 0);
const sessions = new ConsoleSessions('test-token-0123456789abcdef');

describe('ConsoleSessions', () => {
  it('accepts the cookie it issued until it expires', () => {
    const cookie = sessions.issue(NOW);
    expect(sessions.verify(cookie, NOW)).toEqual({
      nonce: expect.any(String) as unknown,
      expiresAt: NOW + SESSION_TTL_MS,
    });
    expect(sessions.verify(cookie, NOW + SESSION_TTL_MS - 1)).not.toBeNull();
    expect(sessions.verify(cookie, NOW + SESSION_TTL_MS)).toBeNull();
  });

  it('refuses a cookie whose expiry or nonce was altered', () => {
    const [v, expires, nonce, sig] = sessions.issue(NOW).split('.') as [string, string, string, string];
    expect(sessions.verify([v, String(Number(expires) + 1000), nonce, sig].join('.'), NOW)).toBeNull();
    expect(sessions.verify([v, expires, nonce + 'x', sig].join('.'), NOW)).toBeNull();
    expect(sessions.verify([v, expires, nonce, sig.slice(0, -2)].join('.'), NOW)).toBeNull();
  });

  it('refuses cookies signed under another API token, so changing the token ends every session', () => {
    const other = new ConsoleSessions('another-token-0123456789');
    expect(sessions.verify(other.issue(NOW), NOW)).toBeNull();
  });

  it('refuses malformed values without throwing', () => {
    for (const value of [undefined, '', 'v1', 'v1...', 'v2.1.a.b', 'v1.x.a.b', 'v1.1.a.b.c', '....']) {
      expect(sessions.verify(value, NOW)).toBeNull();
    }
  });

  it('gives each login its own CSRF token and accepts only that one', () => {
    const a = sessions.verify(sessions.issue(NOW), NOW);
    const b = sessions.verify(sessions.issue(NOW), NOW);
    if (a === null || b === null) throw new Error('fresh sessions must verify');
    expect(sessions.csrfToken(a)).not.toBe(sessions.csrfToken(b));
    expect(sessions.csrfMatches(a, sessions.csrfToken(a))).toBe(true);
    expect(sessions.csrfMatches(a, sessions.csrfToken(b))).toBe(false);
    expect(sessions.csrfMatches(a, undefined)).toBe(false);
    expect(sessions.csrfMatches(a, '')).toBe(false);
    expect(sessions.csrfMatches(a, ['x'])).toBe(false);
  });
});

describe('cookieValue', () => {
  it('finds one cookie among several, by exact name', () => {
    const header = 'a=1; mirror_console_x=2; mirror_console=v1.2.3.4; b="q"';
    expect(cookieValue(header, 'mirror_console')).toBe('v1.2.3.4');
    expect(cookieValue(header, 'b')).toBe('q');
    expect(cookieValue(header, 'c')).toBeUndefined();
    expect(cookieValue(undefined, 'a')).toBeUndefined();
  });
});
