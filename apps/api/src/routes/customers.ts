import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { asOfParam } from '../http/as-of-param';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { type HttpProblem, notFound } from '../problem';
import { findCustomerDocument, listCustomers } from '../queries/customers';
import { segmentExists } from '../queries/segments';
import { CustomerDocument, CustomerPage } from '../schemas/customers';
import { readAsOf } from '../use-cases/read-as-of';

/** Path parameter of every per-customer route: the shop's own id, URL-encoded by the caller. */
export const SourceIdParams = z.strictObject({
  sourceId: textParam.describe('The customer id in your own system (URL-encoded: `KMN%40123`).'),
});

/** The 404 of a per-customer route: no event had named the customer (by `asOf`, when given). */
export function customerNotFound(sourceId: string, asOf?: Date): HttpProblem {
  const when = asOf === undefined ? '' : ` at or before ${asOf.toISOString()}`;
  return notFound(`No event has named customer ${JSON.stringify(sourceId)}${when}.`);
}

const CUSTOMER_LIST = 'customers';
const CustomerCursor = z.tuple([plainText]);

export const getCustomerSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}',
  operationId: 'getCustomer',
  summary: 'One customer: profile, orders, wallet, coupons, segments, referrals and awards',
  tag: 'customers',
  params: SourceIdParams,
  query: z.strictObject({ asOf: asOfParam }),
  response: CustomerDocument,
  errors: [400, 404],
  auth: true,
});

export const listCustomersSpec = defineRoute({
  method: 'get',
  path: '/v1/customers',
  operationId: 'listCustomers',
  summary: 'Customers in source-id order, optionally only the current members of a segment',
  tag: 'customers',
  params: z.strictObject({}),
  query: z.strictObject({
    segmentId: textParam.optional().describe('Only customers in this segment now.'),
    rehookCustomerId: textParam
      .optional()
      .describe('Only the customer Rehook knows by this id (`cust_...`).'),
    limit: limitParam,
    cursor: cursorParam,
  }),
  response: CustomerPage,
  errors: [400, 404],
  auth: true,
});

/** `/v1/customers` and `/v1/customers/{sourceId}`. */
export function customerRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      getCustomerSpec,
      async ({ params, query }) => {
        const doc = await readAsOf(deps, params.sourceId, query.asOf, (at) =>
          findCustomerDocument(at, params.sourceId),
        );
        if (doc === null) throw customerNotFound(params.sourceId, query.asOf);
        return doc;
      },
      options,
    ),
    jsonRoute(
      listCustomersSpec,
      async ({ query }) => {
        const after =
          query.cursor === undefined
            ? undefined
            : decodeCursor(CUSTOMER_LIST, CustomerCursor, query.cursor)[0];
        const rows = await listCustomers(
          db,
          { segmentId: query.segmentId, rehookCustomerId: query.rehookCustomerId },
          { after, limit: query.limit },
        );
        if (
          rows.length === 0 &&
          query.segmentId !== undefined &&
          !(await segmentExists(db, query.segmentId))
        ) {
          throw notFound(`No event has named segment ${JSON.stringify(query.segmentId)}.`);
        }
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(CUSTOMER_LIST, [row.sourceId]),
        );
      },
      options,
    ),
  ];
}
