import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { listReferrals } from '../queries/referrals';
import { ReferralPage } from '../schemas/referrals';

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

/** `/v1/referrals`. */
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
  ];
}
