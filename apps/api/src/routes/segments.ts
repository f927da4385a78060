import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { listCustomerSegments, listSegmentMembers, listSegments, segmentExists } from '../queries/segments';
import { CustomerSegmentList, SegmentMemberPage, SegmentPage } from '../schemas/segments';
import { readCustomerPart } from '../use-cases/read-as-of';
import { customerNotFound, SourceIdParams } from './customers';
import { asOfParam } from '../http/as-of-param';

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

export const listCustomerSegmentsSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/segments',
  operationId: 'listCustomerSegments',
  summary: 'The segments a customer is in, in id order, with when they entered (now, or as of an instant)',
  tag: 'segments',
  params: SourceIdParams,
  query: z.strictObject({ asOf: asOfParam }),
  response: CustomerSegmentList,
  errors: [400, 404],
  auth: true,
});

/** `/v1/segments`, `/v1/segments/{segmentId}/members` and `/v1/customers/{sourceId}/segments`. */
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
    jsonRoute(
      listCustomerSegmentsSpec,
      async ({ params, query }) => {
        const items = await readCustomerPart(
          deps,
          params.sourceId,
          query.asOf,
          listCustomerSegments,
          (list) => list.length === 0,
        );
        if (items === null) throw customerNotFound(params.sourceId, query.asOf);
        return { items };
      },
      options,
    ),
  ];
}
