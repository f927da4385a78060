import type { ApiDeps, ReadDb } from '../../deps';
import type { Page } from '../../pagination/page';
import { findCoupon } from '../../queries/coupons';
import { findCustomerDocument } from '../../queries/customers';
import { listPendingRewards } from '../../queries/rewards';
import { customerEventPage } from '../../routes/events';
import { walletTransactionPage } from '../../routes/wallet';
import type { Coupon } from '../../schemas/coupons';
import type { CustomerDocument } from '../../schemas/customers';
import type { StoredEvent } from '../../schemas/events';
import type { WebhookReward } from '../../schemas/rewards';
import type { WalletTransaction } from '../../schemas/wallet';

/** Rows per page of the ledger and of the timeline. */
export const CONSOLE_PAGE_SIZE = 25;
/** Ledger entries the balance chart reads at most (oldest first); a longer ledger is cut, and says so. */
export const BALANCE_CHART_LIMIT = 10_000;
/** Coupons whose redemptions are looked up, and pending rewards listed. */
const DETAIL_LIMIT = 100;

/** Everything the customer 360 page shows, read through the REST API's own functions. */
export interface Customer360 {
  customer: CustomerDocument;
  ledger: Page<WalletTransaction>;
  /** The balance after each ledger entry, oldest first (the chart). */
  balance: { at: string; balance: number }[];
  balanceCut: boolean;
  coupons: Coupon[];
  pendingRewards: WebhookReward[];
  events: Page<StoredEvent>;
}

/** Where the two paged lists of the page are, and whether raw bodies were asked for. */
export interface Customer360Query {
  ledgerCursor?: string | undefined;
  eventsCursor?: string | undefined;
  bodies: boolean;
}

/** The balance over time: the running sum of the ledger, read page by page up to a limit. */
async function balanceHistory(
  deps: Pick<ApiDeps, 'prisma' | 'now'>,
  sourceId: string,
): Promise<{ balance: Customer360['balance']; cut: boolean }> {
  const balance: Customer360['balance'] = [];
  let running = 0;
  let cursor: string | undefined;
  do {
    const page = await walletTransactionPage(deps, sourceId, { limit: 500, cursor });
    for (const entry of page.items) {
      running += entry.direction === 'debit' ? -entry.points : entry.points;
      balance.push({ at: entry.occurredAt, balance: running });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && balance.length < BALANCE_CHART_LIMIT);
  return { balance, cut: cursor !== undefined };
}

/**
 * Reads the customer 360 view: the customer document, a page of the ledger, the balance
 * history, each coupon with its redemptions, pending webhook rewards, and a page of the event
 * timeline, all through the functions the REST routes use (no SQL of its own).
 * @returns null when no event has named the customer.
 */
export async function loadCustomer360(
  deps: Pick<ApiDeps, 'prisma' | 'now'>,
  sourceId: string,
  query: Customer360Query,
): Promise<Customer360 | null> {
  const db: ReadDb = deps.prisma;
  const doc = await findCustomerDocument(db, sourceId);
  if (doc === null) return null;
  const customer = JSON.parse(doc.text) as CustomerDocument;
  const [ledger, history, coupons, pendingRewards, events] = await Promise.all([
    walletTransactionPage(deps, sourceId, { limit: CONSOLE_PAGE_SIZE, cursor: query.ledgerCursor }),
    balanceHistory(deps, sourceId),
    Promise.all(customer.coupons.slice(0, DETAIL_LIMIT).map((c) => findCoupon(db, c.code))),
    listPendingRewards(db, { sourceId, limit: DETAIL_LIMIT }),
    customerEventPage(db, sourceId, {
      limit: CONSOLE_PAGE_SIZE,
      cursor: query.eventsCursor,
      includeBody: query.bodies,
    }),
  ]);
  return {
    customer,
    ledger,
    balance: history.balance,
    balanceCut: history.cut,
    coupons: coupons.filter((c): c is Coupon => c !== null),
    pendingRewards: pendingRewards.slice(0, DETAIL_LIMIT),
    events,
  };
}
