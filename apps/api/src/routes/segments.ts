import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { listSegmentMembers, listSegments, segmentExists } from '../queries/segments';
import { SegmentMemberPage, SegmentPage } from '../schemas/segments';

const SEGMENT_LIST = 'segments';
const MEMBER_LIST = 'segment-members';
const OneString = z.tuple([plainText]);

export const listSegmentsSpec = defineRoute({
  method: 'get',
  path: '/v1/segments',
  operationId: 'listSegments',
  summary: 'Segments in id order, with their current member counts',
  tag: 'segments',
  params: z.strictObject({}),
  query: z.strictObject({ limit: limitParam, cursor: cursorParam }),
  response: SegmentPage,
  errors: [400],
  auth: true,
});

export const listSegmentMembersSpec = defineRoute({
  method: 'get',
  path: '/v1/segments/{segmentId}/members',
  operationId: 'listSegmentMembers',
  summary: 'Current members of a segment, in source-id order, with when they entered',
  tag: 'segments',
  params: z.strictObject({ segmentId: textParam }),
  query: z.strictObject({ limit: limitParam, cursor: cursorParam }),
  response: SegmentMemberPage,
  errors: [400, 404],
  auth: true,
});

/** `/v1/segments` and `/v1/segments/{segmentId}/members`. */
export function segmentRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      listSegmentsSpec,
      async ({ query }) => {
        const after =
          query.cursor === undefined ? undefined : decodeCursor(SEGMENT_LIST, OneString, query.cursor)[0];
        const rows = await listSegments(db, { after, limit: query.limit });
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(SEGMENT_LIST, [row.segmentId]),
        );
      },
      options,
    ),
    jsonRoute(
      listSegmentMembersSpec,
      async ({ params, query }) => {
        const after =
          query.cursor === undefined ? undefined : decodeCursor(MEMBER_LIST, OneString, query.cursor)[0];
        const rows = await listSegmentMembers(db, params.segmentId, { after, limit: query.limit });
        if (rows.length === 0 && !(await segmentExists(db, params.segmentId))) {
          throw notFound(`No event has named segment ${JSON.stringify(params.segmentId)}.`);
        }
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(MEMBER_LIST, [row.sourceId]),
        );
      },
      options,
    ),
  ];
}
