import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { notFound } from '../problem';
import { findCoupon } from '../queries/coupons';
import { Coupon } from '../schemas/coupons';

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

/** `/v1/coupons/{code}`. */
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
  ];
}
