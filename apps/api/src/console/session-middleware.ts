import type { Request, RequestHandler, Response } from 'express';
import { tokenMatches } from '../middleware/auth';
import { consoleHref, CONSOLE_PATH } from './layout';
import { ConsoleSessions, cookieValue, SESSION_COOKIE, SESSION_TTL_MS, type ConsoleSession } from './session';

/** The session of a signed-in request, put there by {@link requireSession}. */
export function sessionOf(res: Response): ConsoleSession {
  return res.locals['consoleSession'] as ConsoleSession;
}

/** Whether the browser reached us over HTTPS, directly or through a TLS proxy that says so. */
function overHttps(req: Request): boolean {
  return req.secure || req.headers['x-forwarded-proto'] === 'https';
}

/** Only a console path may be a place to return to after login (no open redirect). */
export function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' &&
    next.startsWith(`${CONSOLE_PATH}/`) &&
    !next.startsWith('//') &&
    !/[\\\r\n]/.test(next)
    ? next
    : undefined;
}

/** Cookie, login check, CSRF check: the console's whole notion of who is there. */
export class ConsoleAuth {
  readonly sessions: ConsoleSessions;

  constructor(
    private readonly apiToken: string,
    private readonly now: () => number,
  ) {
    this.sessions = new ConsoleSessions(apiToken);
  }

  /** Whether a login form's token is the API token (constant time, like the bearer check). */
  tokenIsRight(presented: unknown): boolean {
    return typeof presented === 'string' && tokenMatches(this.apiToken, presented);
  }

  /** Starts a session: `HttpOnly` (no script reads it), `SameSite=Strict`, `Secure` over HTTPS. */
  startSession(req: Request, res: Response): void {
    res.cookie(SESSION_COOKIE, this.sessions.issue(this.now()), {
      httpOnly: true,
      sameSite: 'strict',
      secure: overHttps(req),
      path: CONSOLE_PATH,
      maxAge: SESSION_TTL_MS,
    });
  }

  endSession(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: overHttps(req),
      path: CONSOLE_PATH,
    });
  }

  /** The request's valid session, if any. */
  sessionOf(req: Request): ConsoleSession | null {
    return this.sessions.verify(cookieValue(req.headers.cookie, SESSION_COOKIE), this.now());
  }

  /** Without a valid session: to the login page, which brings the operator back here. */
  requireSession(): RequestHandler {
    return (req, res, next) => {
      const session = this.sessionOf(req);
      if (session === null) {
        const back = req.method === 'GET' ? safeNext(req.originalUrl) : undefined;
        res.redirect(303, consoleHref('/login', { next: back }));
        return;
      }
      res.locals['consoleSession'] = session;
      next();
    };
  }

  /**
   * Forms that change something must carry the session's CSRF token, and a browser's `Origin`,
   * when it sends one, must be this host: a page elsewhere cannot make the operator's browser
   * fulfil a reward or requeue jobs (the `SameSite=Strict` cookie already stops most of that).
   */
  csrfProtected(): RequestHandler {
    return (req, res, next) => {
      const session = sessionOf(res);
      const origin = req.headers.origin;
      const sameOrigin =
        origin === undefined || origin === `${overHttps(req) ? 'https' : 'http'}://${req.headers.host ?? ''}`;
      const body = req.body as Record<string, unknown> | undefined;
      if (!sameOrigin || !this.sessions.csrfMatches(session, body?.['csrf'])) {
        res.locals['consoleRefused'] = true;
        next(new CsrfRefused());
        return;
      }
      next();
    };
  }
}

/** A form that did not come from this session's console page. */
export class CsrfRefused extends Error {
  constructor() {
    super('The form did not come from this console session (reload the page and try again).');
    this.name = 'CsrfRefused';
  }
}
