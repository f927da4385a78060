import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { asOfParam } from '../http/as-of-param';
import { plainText } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { bigintKey, instantKey } from '../pagination/cursor-keys';
import { cursorParam, limitParam, toPage, type Page } from '../pagination/page';
import { notFound } from '../problem';
import { listWalletHistory, listWalletTransactions } from '../queries/wallet';
import { WalletHistoryPage, WalletTransactionPage, type WalletTransaction } from '../schemas/wallet';
import { readAsOf } from '../use-cases/read-as-of';
import { SourceIdParams } from './customers';

const WALLET_LIST = 'wallet-transactions';
const WalletCursor = z.tuple([instantKey, plainText, plainText]);

export const listWalletTransactionsSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/wallet/transactions',
  operationId: 'listWalletTransactions',
  summary: "A customer's wallet ledger, oldest first (each transaction and direction once)",
  tag: 'wallet',
  params: SourceIdParams,
  query: z.strictObject({ limit: limitParam, cursor: cursorParam, asOf: asOfParam }),
  response: WalletTransactionPage,
  errors: [400, 404],
  auth: true,
});

/**
 * One page of a customer's ledger, from the `cursor` of the previous one: what the route answers
 * and what the console shows.
 * @throws HttpProblem 404 when no event has named the customer, 400 for a cursor not of this list.
 */
export async function walletTransactionPage(
  deps: Pick<ApiDeps, 'prisma' | 'now'>,
  sourceId: string,
  query: { limit: number; cursor?: string | undefined; asOf?: Date | undefined },
): Promise<Page<WalletTransaction>> {
  const key = query.cursor === undefined ? undefined : decodeCursor(WALLET_LIST, WalletCursor, query.cursor);
  const after =
    key === undefined ? undefined : { occurredAt: key[0], transactionId: key[1], direction: key[2] };
  const rows = await readAsOf(deps, sourceId, query.asOf, async (at, known) => {
    const page = await listWalletTransactions(at, sourceId, { after, limit: query.limit });
    // Only an empty page needs to know whether the customer exists: one query otherwise.
    return page.length === 0 && !(await known()) ? null : page;
  });
  if (rows === null) throw notFound(`No event has named customer ${JSON.stringify(sourceId)}.`);
  return toPage(
    rows,
    query.limit,
    (row) => row,
    (row) => encodeCursor(WALLET_LIST, [row.occurredAt, row.transactionId, row.direction]),
  );
}

const HISTORY_LIST = 'wallet-history';
const HistoryCursor = z.tuple([bigintKey, plainText, plainText, plainText]);

export const listWalletHistorySpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/wallet/history',
  operationId: 'listWalletHistory',
  summary: "A customer's balance after each ledger entry, in receipt order (for charts and support)",
  tag: 'wallet',
  params: SourceIdParams,
  query: z.strictObject({ limit: limitParam, cursor: cursorParam, asOf: asOfParam }),
  response: WalletHistoryPage,
  errors: [400, 404],
  auth: true,
});

/** `/v1/customers/{sourceId}/wallet/transactions` and `/wallet/history`. */
export function walletRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  return [
    jsonRoute(
      listWalletTransactionsSpec,
      ({ params, query }) => walletTransactionPage(deps, params.sourceId, query),
      options,
    ),
    jsonRoute(
      listWalletHistorySpec,
      async ({ params, query }) => {
        const key =
          query.cursor === undefined ? undefined : decodeCursor(HISTORY_LIST, HistoryCursor, query.cursor);
        const after =
          key === undefined
            ? undefined
            : { stamp: key[0], stampKey: key[1], transactionId: key[2], direction: key[3] };
        const rows = await readAsOf(deps, params.sourceId, query.asOf, async (at, known) => {
          const page = await listWalletHistory(at, params.sourceId, { after, limit: query.limit });
          return page.length === 0 && !(await known()) ? null : page;
        });
        if (rows === null) throw notFound(`No event has named customer ${JSON.stringify(params.sourceId)}.`);
        return toPage(
          rows,
          query.limit,
          (row) => row.item,
          (row) =>
            encodeCursor(HISTORY_LIST, [row.stamp, row.stampKey, row.item.transactionId, row.item.direction]),
        );
      },
      options,
    ),
  ];
}
