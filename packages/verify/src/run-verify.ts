import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import type { Difference } from './difference';
import {
  finishRun,
  holdRunLock,
  markAbandonedRuns,
  startRun,
  type VerifyMode,
  type VerifyRunStatus,
} from './run-store';
import { type Snapshot, withSnapshot } from './snapshot';
import { verifyCustomer } from './verify-customer';
import { verifyWholeStore } from './verify-store';

/** What {@link runVerify} needs, and which customers it recomputes (exactly one of `customers`, `sample`, `all`). */
export interface VerifyOptions {
  prisma: PrismaClient;
  logger?: Logger;
  /** These customers (source ids). */
  customers?: readonly string[];
  /** This many customers picked at random among those the read models hold. */
  sample?: number;
  /** Every read model, rebuilt from every event (global tables included). */
  all?: boolean;
  /** `cli` or `schedule`, recorded with the run. @defaultValue 'cli' */
  trigger?: string;
  /** Events read per round trip in `all`. @defaultValue 5000 */
  batchSize?: number;
  /** Recomputed rows folded in memory before they are written (`all`). @defaultValue 50000 */
  flushRows?: number;
  /** Longest the run's snapshot transaction may last. @defaultValue 6 hours */
  timeoutMs?: number;
  /** Called once the snapshot is taken, before anything is compared (tests append meanwhile). */
  onSnapshot?: () => Promise<void>;
}

/** A finished run, as recorded in `verify_runs`. */
export interface VerifyRunResult {
  id: string;
  mode: VerifyMode;
  status: Exclude<VerifyRunStatus, 'running'>;
  customersChecked: number;
  /** Events replayed (`all` only; 0 otherwise). */
  events: number;
  differences: Difference[];
  error: string | null;
  durationMs: number;
}

function modeOf(options: VerifyOptions): VerifyMode {
  const chosen = [options.customers !== undefined, options.sample !== undefined, options.all === true];
  if (chosen.filter(Boolean).length !== 1) throw new Error('choose exactly one of customers, sample, all');
  if (options.sample !== undefined && (!Number.isInteger(options.sample) || options.sample < 1))
    throw new Error('sample must be a whole number of customers, at least 1');
  return options.all === true ? 'all' : options.sample !== undefined ? 'sample' : 'customers';
}

/** A random sample of the customers the snapshot's read models hold. */
async function sampleCustomers({ tx, live }: Snapshot, size: number): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ source_id: string }[]>(
    `SELECT source_id FROM "${live.replaceAll('"', '""')}".customers ORDER BY random() LIMIT $1::int`,
    String(size),
  );
  return rows.map((r) => r.source_id);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One verify run: recomputes customers from the event store with the projections' own fold
 * and merges, and compares them with the read models table by table, column by column, all
 * inside one REPEATABLE READ read-only snapshot (see `withSnapshot`: no lock that an append
 * waits for). Recorded in `verify_runs` (running, then passed / differences / failed with an
 * error); returns every difference found. Starting a run marks the runs whose process died
 * while running (killed) as failed, with the error `abandoned: ...`.
 *
 * @throws only for bad options (nothing is recorded then); a failure while comparing is a `failed` run.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyRunResult> {
  const mode = modeOf(options);
  const { prisma, logger } = options;
  const id = randomUUID();
  const started = performance.now();
  const run = { id, trigger: options.trigger ?? 'cli', mode, startedAt: new Date() };
  // The run is recorded once it holds its lock (so that no later run takes it for abandoned),
  // or, when it fails before, with its failure.
  let recorded = false;
  const record = async () => {
    recorded = true;
    await startRun(prisma, run);
    logger?.info({ runId: id, mode }, 'verify: run started');
  };
  let customersChecked = 0;
  let events = 0;
  const differences: Difference[] = [];
  let error: string | null = null;
  try {
    await withSnapshot(prisma, options.timeoutMs ?? 6 * 60 * 60 * 1000, async (snapshot) => {
      await holdRunLock(snapshot.tx, id);
      const abandoned = await markAbandonedRuns(prisma, id, run.startedAt);
      if (abandoned.length > 0)
        logger?.warn({ runId: id, abandoned }, 'verify: runs whose process died marked failed');
      await record();
      await options.onSnapshot?.();
      if (mode === 'all') {
        const check = await verifyWholeStore(snapshot, {
          batchSize: options.batchSize ?? 5000,
          flushRows: options.flushRows ?? 50_000,
        });
        customersChecked = check.customers;
        events = check.events;
        differences.push(...check.differences);
        return;
      }
      const customers =
        mode === 'sample'
          ? await sampleCustomers(snapshot, options.sample ?? 0)
          : [...new Set(options.customers)];
      for (const sourceId of customers) {
        differences.push(...(await verifyCustomer(snapshot, sourceId)));
        customersChecked += 1;
      }
    });
  } catch (failure) {
    error = message(failure);
    logger?.error({ runId: id, error }, 'verify: run failed');
  }
  if (!recorded) await record();
  const status = error !== null ? 'failed' : differences.length > 0 ? 'differences' : 'passed';
  await finishRun(prisma, id, { status, customersChecked, differences, error, finishedAt: new Date() });
  logger?.info(
    { runId: id, status, customersChecked, differences: differences.length, first: differences.slice(0, 5) },
    'verify: run finished',
  );
  return {
    id,
    mode,
    status,
    customersChecked,
    events,
    differences,
    error,
    durationMs: performance.now() - started,
  };
}
