import type { ReadDb } from '../../deps';

/** The last run of a periodic check of the mirror, as the health page shows it. */
export interface CheckRun {
  startedAt: string;
  finishedAt: string | null;
  /** `ok`, `drift found`, `failed`, `running`...: the check's own word for how it went. */
  outcome: string;
  /** One line: what it compared, what it found. */
  summary: string;
}

/**
 * A periodic check whose last run the health page shows. Reconciliation against Rehook and
 * `verify` are built separately; each adds one of these (reading through the function its own
 * REST route uses) to the list `createApp` passes to the console, and the page shows it.
 */
export interface CheckRunSource {
  /** `Reconcile`, `Verify`. */
  title: string;
  lastRun(db: ReadDb): Promise<CheckRun | null>;
}

/** The checks the health page names even before they exist in this build. */
export const EXPECTED_CHECKS = ['Reconcile', 'Verify'] as const;
