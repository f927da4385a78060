import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { bigintKey, instantKey } from '../pagination/cursor-keys';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { findReconcileRun, listReconcileRuns, listRunDrift } from '../queries/reconcile';
import { ReconcileRunDetail, ReconcileRunPage } from '../schemas/reconcile';

const RUNS_LIST = 'reconcile-runs';
const DRIFT_LIST = 'reconcile-drift';
const RunsCursor = z.tuple([instantKey, z.uuid()]);
const DriftCursor = z.tuple([bigintKey]);

export const listReconcileRunsSpec = defineRoute({
  method: 'get',
  path: '/v1/reconcile/runs',
  operationId: 'listReconcileRuns',
  summary: "Reconciliation runs against Rehook's REST API, newest first",
  tag: 'operations',
  params: z.strictObject({}),
  query: z.strictObject({ limit: limitParam, cursor: cursorParam }),
  response: ReconcileRunPage,
  errors: [400],
  auth: true,
});

export const getReconcileRunSpec = defineRoute({
  method: 'get',
  path: '/v1/reconcile/runs/{id}',
  operationId: 'getReconcileRun',
  summary: 'One reconciliation run, with its drift items (paged by `limit` and `cursor`)',
  tag: 'operations',
  params: z.strictObject({ id: z.uuid().describe('The run id (a UUID).') }),
  query: z.strictObject({ limit: limitParam, cursor: cursorParam }),
  response: ReconcileRunDetail,
  errors: [400, 404],
  auth: true,
});

/** `/v1/reconcile/runs` and `/v1/reconcile/runs/{id}`. */
export function reconcileRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      listReconcileRunsSpec,
      async ({ query }) => {
        const key =
          query.cursor === undefined ? undefined : decodeCursor(RUNS_LIST, RunsCursor, query.cursor);
        const rows = await listReconcileRuns(
          db,
          key === undefined ? undefined : { startedAt: key[0], id: key[1] },
          query.limit,
        );
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(RUNS_LIST, [row.startedAt, row.id]),
        );
      },
      options,
    ),
    jsonRoute(
      getReconcileRunSpec,
      async ({ params, query }) => {
        // The cursor first: a forged one is a 400 whether or not the run exists.
        const after =
          query.cursor === undefined
            ? undefined
            : BigInt(decodeCursor(DRIFT_LIST, DriftCursor, query.cursor)[0]);
        const run = await findReconcileRun(db, params.id);
        if (run === null) throw notFound(`No reconcile run ${params.id}.`);
        const rows = await listRunDrift(db, params.id, after, query.limit);
        return {
          run,
          drift: toPage(
            rows,
            query.limit,
            (row) => row.item,
            (row) => encodeCursor(DRIFT_LIST, [row.id]),
          ),
        };
      },
      options,
    ),
  ];
}
