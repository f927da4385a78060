import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { retryFailedJobs } from '@mirror/queue';
import type { ApiDeps } from '../deps';
import { instantParam } from '../http/instant-param';
import { routeLabel } from '../middleware/metrics';
import { HttpProblem } from '../problem';
import { findCustomerDocument, listCustomers } from '../queries/customers';
import { eventFeedPage } from '../routes/events';
import { EventStatus } from '../schemas/events';
import { collectStats } from '@mirror/stats';
import { fulfilReward, type RecordDeliveries } from '../use-cases/fulfil-reward';
import { assetHandler } from './assets';
import type { CheckRunSource } from './data/check-runs';
import { CONSOLE_PAGE_SIZE, loadCustomer360 } from './data/customer-360';
import { loadHealth } from './data/health';
import type { SafeHtml } from './html';
import { consoleHref, customerHref, CONSOLE_PATH } from './layout';
import { customerPage } from './pages/customer';
import { eventsPage } from './pages/events';
import { healthPage } from './pages/health';
import { loginPage } from './pages/login';
import { messagePage } from './pages/message';
import type { ConsoleSession } from './session';
import { ConsoleAuth, CsrfRefused, safeNext, sessionOf } from './session-middleware';

/** What the console needs besides the API's own dependencies. */
export interface ConsoleOptions {
  record: RecordDeliveries;
  /** Periodic checks whose last run the health page shows (reconcile, verify). */
  checks?: readonly CheckRunSource[];
}

/**
 * Pages are customer data: never cached, never framed, scripts and styles only from here (the
 * chart data travels as JSON, not as inline script).
 */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

function send(res: Response, body: SafeHtml, status = 200): void {
  res.status(status).type('text/html; charset=utf-8').send(body.text);
}

/** Notices after an action, by key, so nothing a link carries is echoed as a message. */
function notice(query: Record<string, unknown>): string | undefined {
  switch (query['done']) {
    case 'fulfilled':
      return `Reward ${typeof query['redemption'] === 'string' ? query['redemption'] : ''} is fulfilled.`;
    case 'retried':
      return `Requeued ${typeof query['n'] === 'string' ? query['n'] : '0'} failed job(s).`;
    default:
      return undefined;
  }
}

const text = z
  .string()
  .max(1024)
  .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
const optionalText = z
  .union([text, z.array(text)])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v) || undefined);
const flag = optionalText.transform((v) => v === '1');
const toInstant = (v: string | undefined) =>
  v === undefined ? undefined : `${v.length === 16 ? `${v}:00` : v}Z`;
/**
 * `datetime-local` values (`2026-12-05T06:00` or with seconds), read as UTC: a real date and
 * time in years 0001 to 9999, like every instant the API takes (month 13 or year 0000 would be
 * a database error).
 */
const localTime = optionalText.refine(
  (v) =>
    v === undefined ||
    (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(v) &&
      instantParam.safeParse(toInstant(v)).success),
  'must be a date and time like 2026-12-05T06:00, in years 0001 to 9999',
);

const CustomerQuery = z.object({ ledger: optionalText, events: optionalText, bodies: flag });
const EventsQuery = z.object({
  status: optionalText.refine((v) => v === undefined || EventStatus.safeParse(v).success, 'is not a status'),
  name: optionalText,
  sourceId: optionalText,
  from: localTime,
  to: localTime,
  bodies: flag,
  cursor: optionalText,
});

function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new HttpProblem(400, detail);
  }
  return parsed.data;
}

/**
 * The operator console at `/console`: server-rendered pages over the REST API's own query
 * functions, behind a login with the API token and a signed session cookie.
 */
export function consoleRouter(deps: ApiDeps, options: ConsoleOptions): Router {
  const db = deps.prisma;
  const now = deps.now ?? (() => new Date());
  const auth = new ConsoleAuth(deps.config.apiToken, () => now().getTime());
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const router = Router({ caseSensitive: true });
  const signedIn = auth.requireSession();
  const csrf = auth.csrfProtected();

  router.use(routeLabel(CONSOLE_PATH));
  router.get('/assets/:name', assetHandler());
  router.use(securityHeaders);

  router.get('/', (req, res) => {
    res.redirect(303, consoleHref(auth.sessionOf(req) === null ? '/login' : '/health'));
  });

  router.get('/login', (req, res) => {
    send(res, loginPage({ next: safeNext(req.query['next']) }));
  });

  router.post('/login', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body['next']);
    if (!auth.tokenIsRight(body['token'])) {
      send(res, loginPage({ next, error: 'That is not the API token.' }), 401);
      return;
    }
    auth.startSession(req, res);
    res.redirect(303, next ?? consoleHref('/health'));
  });

  router.post('/logout', form, signedIn, csrf, (req, res) => {
    auth.endSession(req, res);
    res.redirect(303, consoleHref('/login'));
  });

  router.use(signedIn);
  const csrfOf = (res: Response) => auth.sessions.csrfToken(sessionOf(res));

  router.get('/search', async (req, res) => {
    const q = parseQuery(z.object({ q: optionalText }), req.query).q?.trim();
    if (q !== undefined && q !== '') {
      if ((await findCustomerDocument(db, q)) !== null) {
        res.redirect(303, customerHref(q));
        return;
      }
      const [byRehookId] = await listCustomers(db, { rehookCustomerId: q }, { limit: 1 });
      if (byRehookId !== undefined) {
        res.redirect(303, customerHref(byRehookId.sourceId));
        return;
      }
    }
    send(
      res,
      messagePage({
        title: 'No such customer',
        detail: `No event has named a customer with source id or Rehook id ${JSON.stringify(q ?? '')}.`,
        csrf: csrfOf(res),
      }),
      404,
    );
  });

  router.get('/customers/:sourceId', async (req, res) => {
    const sourceId = String(req.params['sourceId']);
    const query = parseQuery(CustomerQuery, req.query);
    const data = await loadCustomer360(deps, sourceId, {
      ledgerCursor: query.ledger,
      eventsCursor: query.events,
      bodies: query.bodies,
    });
    if (data === null) throw new HttpProblem(404, `No event has named customer ${JSON.stringify(sourceId)}.`);
    send(res, customerPage(data, query, { csrf: csrfOf(res), notice: notice(req.query) }));
  });

  router.post('/rewards/:redemptionId/fulfil', form, csrf, async (req, res) => {
    const redemptionId = String(req.params['redemptionId']);
    const result = await fulfilReward(
      { db, record: options.record, receiptClock: deps.receiptClock },
      redemptionId,
    );
    if (result.outcome === 'unknown-reward') {
      throw new HttpProblem(
        404,
        `No webhook reward with redemption id ${JSON.stringify(redemptionId)} has been seen.`,
      );
    }
    const back = result.reward.sourceId;
    res.redirect(
      303,
      back === null
        ? consoleHref('/health', { done: 'fulfilled', redemption: redemptionId })
        : customerHref(back, { done: 'fulfilled', redemption: redemptionId }),
    );
  });

  router.get('/events', async (req, res) => {
    const filters = parseQuery(EventsQuery, req.query);
    const [events, stats] = await Promise.all([
      eventFeedPage(db, {
        status: filters.status as EventStatus | undefined,
        name: filters.name,
        sourceId: filters.sourceId,
        receivedFrom: toInstant(filters.from),
        receivedBefore: toInstant(filters.to),
        includeBody: filters.bodies,
        limit: CONSOLE_PAGE_SIZE * 2,
        cursor: filters.cursor,
      }),
      collectStats({ db, queue: deps.queue, now: now() }),
    ]);
    send(
      res,
      eventsPage({ events, queue: stats.queue, cursor: filters.cursor }, filters, {
        csrf: csrfOf(res),
        notice: notice(req.query),
      }),
    );
  });

  router.post('/jobs/retry-failed', form, csrf, async (_req, res) => {
    const report = await retryFailedJobs(deps.queue.queue);
    res.redirect(303, consoleHref('/events', { done: 'retried', n: String(report.retried) }));
  });

  router.get('/health', async (req, res) => {
    const at = now();
    const data = await loadHealth({ db, queue: deps.queue, now: at, checks: options.checks ?? [] });
    send(res, healthPage(data, at, { csrf: csrfOf(res), notice: notice(req.query) }));
  });

  router.use((req, res) => {
    send(
      res,
      messagePage({ title: 'Not found', detail: `No console page ${req.path}.`, csrf: csrfOf(res) }),
      404,
    );
  });

  router.use(consoleErrorHandler(deps, auth));
  return router;
}

/** Errors as console pages: what went wrong for 4xx, a logged failure for anything else. */
function consoleErrorHandler(deps: ApiDeps, auth: ConsoleAuth): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const session = res.locals['consoleSession'] as ConsoleSession | undefined;
    const csrf = session === undefined ? null : auth.sessions.csrfToken(session);
    if (error instanceof CsrfRefused) {
      send(res, messagePage({ title: 'Refused', detail: error.message, csrf }), 403);
      return;
    }
    const status =
      error instanceof HttpProblem
        ? error.status
        : typeof (error as { status?: unknown } | null)?.status === 'number'
          ? (error as { status: number }).status
          : 500;
    if (status >= 500 || status < 400) {
      deps.logger.error({ err: error, method: req.method, route: CONSOLE_PATH }, 'console request failed');
      send(res, messagePage({ title: 'The console failed', detail: 'The failure is logged.', csrf }), 500);
      return;
    }
    const detail = error instanceof HttpProblem ? error.detail : 'The request could not be read.';
    send(res, messagePage({ title: status === 404 ? 'Not found' : 'Bad request', detail, csrf }), status);
  };
}
