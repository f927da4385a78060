import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { listPendingRewards } from '../queries/rewards';
import { WebhookReward, WebhookRewardPage } from '../schemas/rewards';
import { fulfilReward, type RecordDeliveries } from '../use-cases/fulfil-reward';

const PENDING_LIST = 'pending-rewards';
const PendingCursor = z.tuple([plainText]);

export const listPendingRewardsSpec = defineRoute({
  method: 'get',
  path: '/v1/rewards/pending',
  operationId: 'listPendingRewards',
  summary: 'Webhook rewards the shop must still credit itself, in redemption-id order',
  tag: 'rewards',
  params: z.strictObject({}),
  query: z.strictObject({
    sourceId: textParam.optional().describe("Only this customer's pending rewards."),
    limit: limitParam,
    cursor: cursorParam,
  }),
  response: WebhookRewardPage,
  errors: [400],
  auth: true,
});

export const fulfilRewardSpec = defineRoute({
  method: 'post',
  path: '/v1/rewards/{redemptionId}/fulfil',
  operationId: 'fulfilReward',
  summary: 'Mark a webhook reward fulfilled (idempotent); answers the reward as it now stands',
  description:
    'Appends the internal event `mirror.reward.fulfilled` to the event store and projects it, ' +
    'so a rebuild of the read models keeps the fulfilment. Repeating the call changes nothing ' +
    'and answers 200 again.',
  tag: 'rewards',
  params: z.strictObject({ redemptionId: textParam }),
  query: z.strictObject({}),
  response: WebhookReward,
  errors: [400, 404],
  auth: true,
});

/** `/v1/rewards/pending` and `/v1/rewards/{redemptionId}/fulfil`. */
export function rewardRoutes(
  deps: ApiDeps,
  record: RecordDeliveries,
  options: JsonRouteOptions,
): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      listPendingRewardsSpec,
      async ({ query }) => {
        const after =
          query.cursor === undefined ? undefined : decodeCursor(PENDING_LIST, PendingCursor, query.cursor)[0];
        const rows = await listPendingRewards(db, { sourceId: query.sourceId, after, limit: query.limit });
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(PENDING_LIST, [row.redemptionId]),
        );
      },
      options,
    ),
    jsonRoute(
      fulfilRewardSpec,
      async ({ params }) => {
        const result = await fulfilReward(
          { db, record, receiptClock: deps.receiptClock },
          params.redemptionId,
        );
        switch (result.outcome) {
          case 'unknown-reward':
            throw notFound(
              `No webhook reward with redemption id ${JSON.stringify(params.redemptionId)} has been seen.`,
            );
          case 'fulfilled':
            return result.reward;
          default: {
            const unreachable: never = result;
            return unreachable;
          }
        }
      },
      options,
    ),
  ];
}
