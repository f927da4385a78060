import { verifyState } from '@mirror/verify';
import type { ReadDb } from '../../deps';
import type { CheckRun, CheckRunSource } from './check-runs';

/** The last `mirror verify` run, read through the same function as `/v1/stats`' `freshness.verify`. */
export const verifyCheck: CheckRunSource = {
  title: 'Verify',
  async lastRun(db: ReadDb): Promise<CheckRun | null> {
    const { lastRun: run } = await verifyState(db);
    if (run === null) return null;
    return {
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      outcome: run.status,
      summary:
        `${run.mode} (${run.trigger}): ${run.customersChecked} customers checked, ${run.differences} differences` +
        (run.error === null ? '' : `; error: ${run.error}`),
    };
  },
};
