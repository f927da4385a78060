import type { PrismaClient } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import { runVerify } from '@mirror/verify';
import type { AfterReconcile } from './reconcile-worker';

/**
 * What the workers do after each scheduled reconcile run (in the same job, one at a time across
 * all workers), given the recorded run: `verify` over a random sample of `sample` customers
 * (`VERIFY_SAMPLE`; 0: nothing), recorded in `verify_runs` with the trigger `schedule`. Reconcile
 * may just have appended repairs; verify reads a snapshot taken after them. Differences are a
 * recorded result, not a failure of the step; a run that could not compare is (its error is
 * then in the reconcile job's result as well as in the run).
 */
export function verifyAfterReconcile(deps: {
  prisma: PrismaClient;
  logger: Logger;
  sample: number;
}): AfterReconcile {
  return async () => {
    if (deps.sample === 0) return;
    const run = await runVerify({
      prisma: deps.prisma,
      logger: deps.logger,
      sample: deps.sample,
      trigger: 'schedule',
    });
    if (run.status === 'failed') throw new Error(`verify run ${run.id} failed: ${run.error ?? ''}`);
  };
}
