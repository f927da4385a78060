import type { ReadDb } from '../../deps';
import { listReconcileRuns } from '../../queries/reconcile';
import type { CheckRun, CheckRunSource } from './check-runs';

/** The last reconcile run, read through `GET /v1/reconcile/runs`' own query. */
export const reconcileCheck: CheckRunSource = {
  title: 'Reconcile',
  async lastRun(db: ReadDb): Promise<CheckRun | null> {
    const [run] = await listReconcileRuns(db, undefined, 1);
    if (run === undefined) return null;
    const kind = run.dryRun ? 'dry run, ' : '';
    return {
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      outcome: run.status,
      summary:
        `${kind}${run.customersChecked} customers checked, ${run.recordsRead} records read, ` +
        `${run.eventsAppended} events appended, ${run.driftItems} drift items` +
        (run.error === null ? '' : `; error: ${run.error}`) +
        (run.note === null ? '' : `; note: ${run.note}`),
    };
  },
};
