import type { Logger } from '@mirror/logger';
import { RehookApiError, RehookAuthError } from './errors';
import { Limiter } from './limiter';
import {
  isRehookError,
  readReferrals,
  readTransactions,
  readWallets,
  type RehookCustomer,
  type RehookTransaction,
  type RehookWallet,
  UnexpectedResponseError,
} from './responses';
import { retryDelayMs } from './retry-delay';

/** How to reach Rehook's REST API and how patiently. */
export interface RehookApiOptions {
  /** `REHOOK_API_URL`, e.g. `https://api.rehook.ai`. */
  baseUrl: string;
  /** `REHOOK_API_KEY` / `REHOOK_API_SECRET`: Basic auth user and password. Never logged. */
  apiKey: string;
  apiSecret: string;
  /** Requests in flight at once (`RECONCILE_CONCURRENCY`). @defaultValue 4 */
  concurrency?: number;
  /** Each attempt is abandoned after this. @defaultValue 15000 */
  timeoutMs?: number;
  /** Attempts per request, the first included, on 429, 5xx, timeouts and network errors. @defaultValue 6 */
  maxAttempts?: number;
  /** First backoff when the server gives no `Retry-After`; doubles per retry. @defaultValue 500 */
  backoffMs?: number;
  /** No wait between attempts is longer than this, whatever `Retry-After` asks. @defaultValue 60000 */
  maxDelayMs?: number;
  /** Most pages read from one wallet before the listing is declared broken. @defaultValue 100000 */
  maxPages?: number;
  logger?: Logger;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The documented path variants of each endpoint (rest-api.md §1-§3): the prose's un-prefixed
 * form first, then the `/api`-prefixed form of the pages' summary blocks. A variant the server
 * does not route (404/405 without Rehook's error body) is skipped, and the one that answered is
 * used from then on.
 */
const ROUTES = {
  wallets: (customer: string) => [`/wallets/customer/${customer}`, `/api/wallets/customer/${customer}`],
  transactions: (customer: string, wallet: string) => [
    `/wallets/customer/${customer}/transactions/${wallet}`,
    `/api/wallets/customer/${customer}/transactions/${wallet}`,
  ],
  referrals: (customer: string) => [
    `/customers/referral/list/${customer}`,
    `/api/customers/referrals/${customer}`,
  ],
} as const;
type RouteName = keyof typeof ROUTES;

/** An answer of the API (not of a router in front of it). */
interface Answer {
  status: number;
  body: unknown;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A client for the parts of Rehook's REST API that reconciliation reads: a customer's wallets,
 * every page of a wallet's transactions, and a customer's referral list. Basic auth; retries
 * with backoff on 429, 5xx, timeouts and network errors, honouring `Retry-After`; at most
 * `concurrency` requests in flight; every body validated by the adapter (`responses.ts`).
 * Anything that finally fails rejects: nothing is turned into an empty answer except what the
 * reference documents as "none" (404 from the referral list).
 */
export class RehookApiClient {
  private readonly authorization: string;
  private readonly limiter: Limiter;
  private readonly variant = new Map<RouteName, number>();
  private readonly baseUrl: string;
  /** Requests sent (attempts, retries included): for run records and benchmarks. */
  requests = 0;

  constructor(private readonly options: RehookApiOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString('base64')}`;
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * A customer's wallets (3.5), or null when Rehook answers that it does not know the customer
   * (404 with its error body).
   */
  async wallets(sourceId: string): Promise<RehookWallet[] | null> {
    const answer = await this.get('wallets', [encodeURIComponent(sourceId)]);
    if (answer.status === 404) return null;
    return readWallets(answer.body);
  }

  /** One page of a wallet's transactions (3.6), as Rehook numbers pages (from 1). */
  async transactionsPage(sourceId: string, walletId: string, page: number): Promise<RehookTransaction[]> {
    const answer = await this.get(
      'transactions',
      [encodeURIComponent(sourceId), encodeURIComponent(walletId)],
      `?page=${page}`,
    );
    if (answer.status === 404) {
      throw new RehookApiError(
        `Rehook answered 404 for page ${page} of wallet ${walletId}`,
        404,
        'transactions',
      );
    }
    return readTransactions(answer.body);
  }

  /**
   * Every transaction of a wallet: pages 1, 2, ... until a page comes back empty. The page size
   * is not documented, so a short page proves nothing; only an empty one ends the listing. A
   * page identical to the one before means the server ignores `page`, and would page forever:
   * that fails instead of looping or stopping silently.
   */
  async transactions(sourceId: string, walletId: string): Promise<RehookTransaction[]> {
    const all: RehookTransaction[] = [];
    const maxPages = this.options.maxPages ?? 100_000;
    let previous = '';
    for (let page = 1; page <= maxPages; page += 1) {
      const items = await this.transactionsPage(sourceId, walletId, page);
      if (items.length === 0) return all;
      const ids = items.map((item) => `${item.transaction_id}/${item.type}`).join(',');
      if (ids === previous) {
        throw new UnexpectedResponseError('wallet transactions', `page ${page} repeats page ${page - 1}`);
      }
      previous = ids;
      all.push(...items);
    }
    throw new UnexpectedResponseError('wallet transactions', `no empty page within ${maxPages} pages`);
  }

  /**
   * The customers this customer referred (3.4). A 404 with Rehook's error body means "no
   * referrals" (the reference allows 404 for none) and reads as an empty list.
   */
  async referrals(sourceId: string): Promise<RehookCustomer[]> {
    const answer = await this.get('referrals', [encodeURIComponent(sourceId)]);
    if (answer.status === 404) return [];
    return readReferrals(answer.body);
  }

  /**
   * GET one route: the remembered path variant first, then the others while the server does
   * not route them. Resolves with 2xx answers and with 404 answers that carry Rehook's error
   * body (the caller decides what "not found" means there); anything else rejects.
   */
  private async get(route: RouteName, args: string[], query = ''): Promise<Answer> {
    const paths = (ROUTES[route] as (...a: string[]) => readonly string[])(...args);
    const first = this.variant.get(route) ?? 0;
    let lastMissing: Answer | undefined;
    for (let i = 0; i < paths.length; i += 1) {
      const index = (first + i) % paths.length;
      const path = `${paths[index]}${query}`;
      const answer = await this.request(path);
      const unrouted = (answer.status === 404 || answer.status === 405) && !isRehookError(answer.body);
      if (unrouted) {
        lastMissing = answer;
        continue;
      }
      this.variant.set(route, index);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status === 404) return answer;
      throw new RehookApiError(`Rehook answered ${answer.status} for ${route}`, answer.status, path);
    }
    throw new RehookApiError(
      `no documented path of ${route} is served by ${this.baseUrl} (last status ${lastMissing?.status})`,
      lastMissing?.status,
      paths[0] ?? route,
    );
  }

  /** One request with retries. Resolves with any final answer that is not retryable. */
  private async request(path: string): Promise<Answer> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    const sleep = this.options.sleep ?? sleepFor;
    for (let attempt = 1; ; attempt += 1) {
      let retryAfter: string | null = null;
      let failure: string;
      try {
        const response = await this.limiter.run(() => this.send(path));
        if (response.status === 401 || response.status === 403)
          throw new RehookAuthError(response.status, path);
        if (response.status !== 429 && response.status < 500) return response;
        retryAfter = response.retryAfter;
        failure = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof RehookApiError || error instanceof UnexpectedResponseError) throw error;
        failure = describeNetworkError(error);
      }
      if (attempt >= maxAttempts) {
        throw new RehookApiError(
          `Rehook request failed after ${attempt} attempts (${failure})`,
          /^HTTP (\d+)$/.exec(failure) ? Number(failure.slice(5)) : undefined,
          path,
        );
      }
      const delay = retryDelayMs(retryAfter, attempt, {
        backoffMs: this.options.backoffMs ?? 500,
        maxDelayMs: this.options.maxDelayMs ?? 60_000,
      });
      this.options.logger?.warn({ path, failure, attempt, delayMs: delay }, 'rehook api: retrying');
      await sleep(delay);
    }
  }

  private async send(path: string): Promise<Answer & { retryAfter: string | null }> {
    this.requests += 1;
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: this.authorization, accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new UnexpectedResponseError(path, 'the body is not JSON');
      }
    }
    return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
