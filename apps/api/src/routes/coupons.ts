import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { notFound } from '../problem';
import { findCoupon, listCustomerCoupons } from '../queries/coupons';
import { Coupon, CustomerCouponList } from '../schemas/coupons';
import { readCustomerPart } from '../use-cases/read-as-of';
import { customerNotFound, SourceIdParams } from './customers';
import { asOfParam } from '../http/as-of-param';

export const getCouponSpec = defineRoute({
  method: 'get',
  path: '/v1/coupons/{code}',
  operationId: 'getCoupon',
  summary: 'One coupon: status, holder, campaign and redemptions (each rolled back or not)',
  tag: 'coupons',
  params: z.strictObject({ code: textParam.describe('The coupon code (URL-encoded).') }),
  query: z.strictObject({}),
  response: Coupon,
  errors: [400, 404],
  auth: true,
});

export const listCustomerCouponsSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/coupons',
  operationId: 'listCustomerCoupons',
  summary: 'The coupons a customer holds, in code order (now, or as of an instant)',
  tag: 'coupons',
  params: SourceIdParams,
  query: z.strictObject({ asOf: asOfParam }),
  response: CustomerCouponList,
  errors: [400, 404],
  auth: true,
});

/** `/v1/coupons/{code}` and `/v1/customers/{sourceId}/coupons`. */
export function couponRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  return [
    jsonRoute(
      getCouponSpec,
      async ({ params }) => {
        const coupon = await findCoupon(deps.prisma, params.code);
        if (coupon === null) throw notFound(`No event has named coupon ${JSON.stringify(params.code)}.`);
        return coupon;
      },
      options,
    ),
    jsonRoute(
      listCustomerCouponsSpec,
      async ({ params, query }) => {
        const items = await readCustomerPart(
          deps,
          params.sourceId,
          query.asOf,
          listCustomerCoupons,
          (list) => list.length === 0,
        );
        if (items === null) throw customerNotFound(params.sourceId, query.asOf);
        return { items };
      },
      options,
    ),
  ];
}
