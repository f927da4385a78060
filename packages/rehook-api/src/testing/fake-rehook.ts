import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of Rehook's REST API for tests and benchmarks: a real HTTP server that follows
 * `../shared/rehook/rest-api.md`, making the choices its section 5 suggests where Rehook is
 * silent (pages of a configurable size, `[]` past the end, newest first unless told otherwise,
 * 401 for bad credentials, 404 with `models.ErrorResponse` for unknown customers and for a
 * customer without referrals), with faults (429, 5xx, slow answers) injectable per route.
 */

export interface FakeTransaction {
  transaction_id: string;
  type: 'credit' | 'debit';
  points: number;
  description?: string;
}

export interface FakeWallet {
  wallet_id: string;
  wallet_name: string;
  transactions: FakeTransaction[];
}

export interface FakeCustomer {
  /** Rehook's id, `cust_...`; also accepted in paths. */
  id: string;
  sourceId: string;
  wallets: FakeWallet[];
  /** Friends this customer referred. */
  referrals: { id: string; source_id: string }[];
}

export type FakeRoute = 'wallets' | 'transactions' | 'referrals';

/** A fault: the next `times` requests matching it get it instead of the real answer. */
export interface FakeFault {
  route?: FakeRoute;
  sourceId?: string;
  page?: number;
  /** Answer with this status (and Rehook's error body) instead. */
  status?: number;
  /** `Retry-After` header value sent with `status`. */
  retryAfter?: string;
  /** Answer with this body (status 200) instead: for shape errors. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** How many matching requests get the fault. @defaultValue 1 */
  times?: number;
}

export interface FakeRehookOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Transactions per page. @defaultValue 10 */
  pageSize?: number;
  /** Order of transactions in pages. @defaultValue 'newest-first' */
  order?: 'newest-first' | 'oldest-first';
  /** Which documented path variants are served. @defaultValue 'both' */
  paths?: 'both' | 'primary' | 'api';
  /** Wrap transaction pages as `{ data: [...] }` instead of a bare array. */
  wrapTransactions?: boolean;
  /** A customer without referrals gets 404 (the reference allows it) or `[]`. @defaultValue '404' */
  noReferrals?: '404' | 'empty';
  /**
   * Answers for customers not in `customers`: called per request with the path's id and kept
   * nowhere, so a benchmark can serve millions of transactions without holding them.
   */
  generate?: (id: string) => FakeCustomer | undefined;
  /** Port to listen on. @defaultValue 0 (any free port) */
  port?: number;
}

export interface FakeRequest {
  path: string;
  route: FakeRoute | 'unrouted';
  status: number;
}

export interface FakeRehook {
  url: string;
  apiKey: string;
  apiSecret: string;
  customers: Map<string, FakeCustomer>;
  /** Every request answered, in order. */
  requests: FakeRequest[];
  faults: FakeFault[];
  /** Most requests the fake was answering at one time (to check a client's concurrency bound). */
  maxInFlight(): number;
  /** Adds (or returns) a customer. */
  customer(sourceId: string, rehookId?: string): FakeCustomer;
  /** Adds (or returns) a wallet of a customer. */
  wallet(sourceId: string, walletId: string, name?: string): FakeWallet;
  close(): Promise<void>;
}

const KEY = 'test_api_key';
const SECRET = 'test_api_secret';

function errorBody(code: string, message: string) {
  return { code, message, details: '', request_id: `req_fake` };
}

/** Parses a path into a route and its arguments, for the variants `paths` allows. */
function route(
  path: string,
  paths: FakeRehookOptions['paths'],
): { route: FakeRoute; customer: string; wallet?: string } | undefined {
  const api = path.startsWith('/api/');
  if (api && paths === 'primary') return undefined;
  if (!api && paths === 'api') return undefined;
  const rest = api ? path.slice(4) : path;
  let m = /^\/wallets\/customer\/([^/]+)\/transactions\/([^/]+)$/.exec(rest);
  if (m) return { route: 'transactions', customer: m[1] as string, wallet: m[2] as string };
  m = /^\/wallets\/customer\/([^/]+)$/.exec(rest);
  if (m) return { route: 'wallets', customer: m[1] as string };
  // The referral list's two documented forms: the prose's and the summary block's.
  m = (api ? /^\/customers\/referrals\/([^/]+)$/ : /^\/customers\/referral\/list\/([^/]+)$/).exec(rest);
  if (m) return { route: 'referrals', customer: m[1] as string };
  return undefined;
}

export async function startFakeRehook(options: FakeRehookOptions = {}): Promise<FakeRehook> {
  const apiKey = options.apiKey ?? KEY;
  const apiSecret = options.apiSecret ?? SECRET;
  const expectedAuth = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
  const pageSize = options.pageSize ?? 10;
  const customers = new Map<string, FakeCustomer>();
  const byRehookId = new Map<string, FakeCustomer>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      ...headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const found = route(url.pathname, options.paths ?? 'both');
    const log = (status: number) =>
      requests.push({ path: `${url.pathname}${url.search}`, route: found?.route ?? 'unrouted', status });
    if (req.method !== 'GET' || found === undefined) {
      log(404);
      return send(res, 404, '404 page not found');
    }
    if (req.headers.authorization !== expectedAuth) {
      log(401);
      return send(res, 401, errorBody('UNAUTHORIZED', 'invalid api key or secret'));
    }
    const id = decodeURIComponent(found.customer);
    const page = Number(url.searchParams.get('page') ?? '1');
    const fault = faults.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (f.route === undefined || f.route === found.route) &&
        (f.sourceId === undefined || f.sourceId === id) &&
        (f.page === undefined || f.page === page),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (res.destroyed) return;
      if (fault.status !== undefined) {
        log(fault.status);
        return send(
          res,
          fault.status,
          errorBody('FAULT', 'injected'),
          fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
        );
      }
      if (fault.body !== undefined) {
        log(200);
        return send(res, 200, fault.body);
      }
    }
    const customer = customers.get(id) ?? byRehookId.get(id) ?? options.generate?.(id);
    if (customer === undefined) {
      log(404);
      return send(res, 404, errorBody('NOT_FOUND_CODE', 'customer not found'));
    }
    switch (found.route) {
      case 'wallets':
        log(200);
        return send(
          res,
          200,
          customer.wallets.map((w) => ({
            wallet_id: w.wallet_id,
            wallet_name: w.wallet_name,
            currency: 'INR',
            singular_unit_name: 'point',
            plural_unit_name: 'points',
            // The balance's field name is unknown (rest-api.md, unknown 8): a name the client
            // must not rely on.
            balance_field_unknown: w.transactions.reduce(
              (sum, t) => sum + (t.type === 'credit' ? t.points : -t.points),
              0,
            ),
          })),
        );
      case 'transactions': {
        const wallet = customer.wallets.find((w) => w.wallet_id === decodeURIComponent(found.wallet ?? ''));
        if (wallet === undefined) {
          log(404);
          return send(res, 404, errorBody('NOT_FOUND_CODE', 'wallet not found'));
        }
        if (!Number.isInteger(page) || page < 1) {
          log(400);
          return send(res, 400, errorBody('BAD_REQUEST', 'page must be a positive integer'));
        }
        const ordered =
          (options.order ?? 'newest-first') === 'newest-first'
            ? [...wallet.transactions].reverse()
            : wallet.transactions;
        const items = ordered.slice((page - 1) * pageSize, page * pageSize);
        log(200);
        return send(res, 200, options.wrapTransactions ? { data: items } : items);
      }
      case 'referrals':
        if (customer.referrals.length === 0 && (options.noReferrals ?? '404') === '404') {
          log(404);
          return send(res, 404, errorBody('NOT_FOUND_CODE', 'referrals not found'));
        }
        log(200);
        return send(res, 200, customer.referrals);
    }
  };

  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, errorBody('FAKE_BUG', String(error)));
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const customer = (sourceId: string, rehookId?: string): FakeCustomer => {
    let found = customers.get(sourceId);
    if (found === undefined) {
      found = { id: rehookId ?? `cust_${customers.size + 1}`, sourceId, wallets: [], referrals: [] };
      customers.set(sourceId, found);
      byRehookId.set(found.id, found);
    }
    return found;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    customers,
    requests,
    faults,
    maxInFlight: () => maxInFlight,
    customer,
    wallet(sourceId, walletId, name = 'Points') {
      const owner = customer(sourceId);
      let wallet = owner.wallets.find((w) => w.wallet_id === walletId);
      if (wallet === undefined) {
        wallet = { wallet_id: walletId, wallet_name: name, transactions: [] };
        owner.wallets.push(wallet);
      }
      return wallet;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
