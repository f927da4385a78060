import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { campaignHasAwards, listCampaignAwards } from '../queries/leaderboards';
import { LeaderboardAwardPage } from '../schemas/leaderboards';

const AWARD_LIST = 'leaderboard-awards';
const AwardCursor = z.tuple([plainText, plainText, plainText]);

export const listAwardsSpec = defineRoute({
  method: 'get',
  path: '/v1/leaderboards/{campaignId}/awards',
  operationId: 'listLeaderboardAwards',
  summary: "A leaderboard campaign's awards, by leaderboard, recurrence and customer",
  tag: 'leaderboards',
  params: z.strictObject({ campaignId: textParam }),
  query: z.strictObject({
    leaderboardId: textParam.optional().describe('Only awards of this leaderboard.'),
    limit: limitParam,
    cursor: cursorParam,
  }),
  response: LeaderboardAwardPage,
  errors: [400, 404],
  auth: true,
});

/** `/v1/leaderboards/{campaignId}/awards`. */
export function leaderboardRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      listAwardsSpec,
      async ({ params, query }) => {
        const key =
          query.cursor === undefined ? undefined : decodeCursor(AWARD_LIST, AwardCursor, query.cursor);
        const rows = await listCampaignAwards(
          db,
          params.campaignId,
          { leaderboardId: query.leaderboardId },
          {
            after:
              key === undefined ? undefined : { leaderboardId: key[0], recurrence: key[1], sourceId: key[2] },
            limit: query.limit,
          },
        );
        if (rows.length === 0 && !(await campaignHasAwards(db, params.campaignId))) {
          throw notFound(
            `No leaderboard award has been seen for campaign ${JSON.stringify(params.campaignId)}.`,
          );
        }
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(AWARD_LIST, [row.leaderboardId, row.recurrenceStart ?? '', row.sourceId]),
        );
      },
      options,
    ),
  ];
}
