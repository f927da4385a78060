import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a console login lasts. A support shift, not a week. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** The console's cookie. The `__Host-` prefix is not used: it requires HTTPS, and local runs have none. */
export const SESSION_COOKIE = 'mirror_console';

const VERSION = 'v1';

/** A verified console session. */
export interface ConsoleSession {
  /** Random per login: the CSRF token is derived from it, so each login has its own. */
  nonce: string;
  expiresAt: number;
}

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Console sessions without server-side state: the cookie is `v1.<expiresAt>.<nonce>.<mac>`,
 * signed with a key derived from the API token. Nothing is stored, so any number of API
 * replicas accept each other's cookies, and changing `API_TOKEN` ends every session at once
 * (the only way to revoke them all; logout clears the one cookie).
 */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(apiToken: string) {
    // A key of its own, not the token itself: the cookie never carries anything that would
    // let its holder call the REST API.
    this.key = mac(Buffer.from(apiToken, 'utf8'), 'rehook-mirror console session key');
  }

  /** A new session's cookie value, valid for {@link SESSION_TTL_MS} from `now`. */
  issue(now: number): string {
    const body = `${VERSION}.${now + SESSION_TTL_MS}.${randomBytes(18).toString('base64url')}`;
    return `${body}.${mac(this.key, body).toString('base64url')}`;
  }

  /** The session a cookie value stands for; null if forged, altered, malformed or expired. */
  verify(cookie: string | undefined, now: number): ConsoleSession | null {
    if (cookie === undefined) return null;
    const parts = cookie.split('.');
    if (parts.length !== 4) return null;
    const [version, expires, nonce, signature] = parts as [string, string, string, string];
    if (version !== VERSION || !/^\d{1,15}$/.test(expires) || nonce === '') return null;
    if (!sameBytes(Buffer.from(signature, 'base64url'), mac(this.key, `${version}.${expires}.${nonce}`)))
      return null;
    const expiresAt = Number(expires);
    return expiresAt > now ? { nonce, expiresAt } : null;
  }

  /** The CSRF token of a session: every form that changes something carries it. */
  csrfToken(session: ConsoleSession): string {
    return mac(this.key, `csrf.${session.nonce}`).toString('base64url');
  }

  /** Whether a submitted form token is this session's. */
  csrfMatches(session: ConsoleSession, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    return sameBytes(Buffer.from(presented, 'utf8'), Buffer.from(this.csrfToken(session), 'utf8'));
  }
}

/** The value of one cookie in a `Cookie` header; undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}
