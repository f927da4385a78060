import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { findCustomerReferrals, listReferrals } from '../queries/referrals';
import { CustomerReferrals, ReferralPage } from '../schemas/referrals';
import { readCustomerPart } from '../use-cases/read-as-of';
import { customerNotFound, SourceIdParams } from './customers';
import { asOfParam } from '../http/as-of-param';

const REFERRAL_LIST = 'referrals';
const ReferralCursor = z.tuple([plainText, plainText]);
const party = (role: string) =>
  textParam
    .optional()
    .describe(`Only referrals with this ${role}: a Rehook customer id (\`cust_...\`) or your source id.`);

export const listReferralsSpec = defineRoute({
  method: 'get',
  path: '/v1/referrals',
  operationId: 'listReferrals',
  summary: 'Referral records (advocate, friend, campaign, rewards), in campaign and friend order',
  tag: 'referrals',
  params: z.strictObject({}),
  query: z.strictObject({
    advocate: party('advocate'),
    friend: party('friend'),
    campaignId: textParam.optional(),
    limit: limitParam,
    cursor: cursorParam,
  }),
  response: ReferralPage,
  errors: [400],
  auth: true,
});

export const getCustomerReferralsSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/referrals',
  operationId: 'getCustomerReferrals',
  summary: "A customer's referrals as advocate and as friend (now, or as of an instant)",
  tag: 'referrals',
  params: SourceIdParams,
  query: z.strictObject({ asOf: asOfParam }),
  response: CustomerReferrals,
  errors: [400, 404],
  auth: true,
});

/** `/v1/referrals` and `/v1/customers/{sourceId}/referrals`. */
export function referralRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  return [
    jsonRoute(
      listReferralsSpec,
      async ({ query }) => {
        const key =
          query.cursor === undefined ? undefined : decodeCursor(REFERRAL_LIST, ReferralCursor, query.cursor);
        const rows = await listReferrals(
          deps.prisma,
          { advocate: query.advocate, friend: query.friend, campaignId: query.campaignId },
          {
            after: key === undefined ? undefined : { campaignId: key[0], friendCustomerId: key[1] },
            limit: query.limit,
          },
        );
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(REFERRAL_LIST, [row.campaignId, row.friend.rehookCustomerId]),
        );
      },
      options,
    ),
    jsonRoute(
      getCustomerReferralsSpec,
      async ({ params, query }) => {
        const referrals = await readCustomerPart(
          deps,
          params.sourceId,
          query.asOf,
          findCustomerReferrals,
          (both) => both.asAdvocate.length === 0 && both.asFriend.length === 0,
        );
        if (referrals === null) throw customerNotFound(params.sourceId, query.asOf);
        return referrals;
      },
      options,
    ),
  ];
}
