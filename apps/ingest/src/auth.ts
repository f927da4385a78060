import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Credentials Rehook must present (both optional, from `WEBHOOK_BASIC_AUTH` and `WEBHOOK_REQUIRED_HEADERS`). */
export interface AuthConfig {
  basicAuth?: { user: string; password: string } | undefined;
  /** Header names lower-cased; values compared exactly. */
  requiredHeaders?: readonly { name: string; value: string }[] | undefined;
}

/**
 * Why a request was refused. Safe to log: names what was wrong, never what was sent.
 */
export type AuthResult =
  | { ok: true }
  | { ok: false; reason: 'missing-basic-auth' | 'wrong-basic-auth' }
  | { ok: false; reason: 'missing-header' | 'wrong-header'; header: string };

function digest(value: string): Buffer {
  // One-shot hash: no Hash object per call (this runs on every webhook).
  return hash('sha256', value, 'buffer');
}

/**
 * Compares two secrets in time that does not depend on where they differ, nor on their
 * lengths: both sides are hashed to 32 bytes first, because `timingSafeEqual` needs equal
 * lengths and comparing lengths first would leak the secret's length.
 */
export function safeEqual(actual: string, expected: string): boolean {
  return timingSafeEqual(digest(actual), digest(expected));
}

/**
 * Reads an `Authorization: Basic …` header (RFC 7617: the scheme is case-insensitive, the
 * credentials are base64 of UTF-8 `user:password`, split at the first colon).
 */
export function parseBasicAuthorization(
  header: string | undefined,
): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^basic +([A-Za-z0-9+/=._~-]+) *$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Builds the check the webhook route runs on the request headers, before it reads the body.
 * Every configured credential is always compared, so the time taken does not reveal which one
 * was wrong.
 */
export function createAuthenticator(config: AuthConfig): (headers: IncomingHttpHeaders) => AuthResult {
  const basic = config.basicAuth;
  const required = config.requiredHeaders ?? [];
  // The header a well-behaved sender (Rehook) sends, byte for byte. Comparing the whole header
  // with it first costs one digest instead of a parse and two; anything else (another spelling
  // of the scheme, wrong credentials) takes the full path below.
  const expectedHeader =
    basic === undefined
      ? undefined
      : digest(`Basic ${Buffer.from(`${basic.user}:${basic.password}`, 'utf8').toString('base64')}`);
  return (headers) => {
    let result: AuthResult = { ok: true };
    const authorization = headers.authorization;
    if (
      basic !== undefined &&
      !(authorization !== undefined && timingSafeEqual(digest(authorization), expectedHeader as Buffer))
    ) {
      const given = parseBasicAuthorization(authorization);
      if (given === undefined) {
        result = { ok: false, reason: 'missing-basic-auth' };
      } else {
        // Both compared before either is looked at: a wrong user must not answer faster than a
        // wrong password.
        const userOk = safeEqual(given.user, basic.user);
        const passwordOk = safeEqual(given.password, basic.password);
        if (!(userOk && passwordOk)) result = { ok: false, reason: 'wrong-basic-auth' };
      }
    }
    for (const { name, value } of required) {
      const given = headers[name];
      const text = Array.isArray(given) ? given.join(', ') : given;
      const matches = safeEqual(text ?? '', value);
      if (result.ok && text === undefined) result = { ok: false, reason: 'missing-header', header: name };
      else if (result.ok && !matches) result = { ok: false, reason: 'wrong-header', header: name };
    }
    return result;
  };
}
