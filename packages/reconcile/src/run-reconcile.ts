import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import { recordEvents } from '@mirror/projections';
import { ReceiptClock } from '@mirror/queue';
import { RehookAuthError, type RehookApiClient } from '@mirror/rehook-api';
import { compareLedger, compareReferrals, type DriftItem, type RehookEntry } from './compare';
import { knownCustomers, mirrorLedger, mirrorReferredFriends } from './mirror-side';
import { repairDelivery } from './repair-event';
import { acquireRunLock } from './run-lock';
import {
  failInterruptedRuns,
  finishRun,
  recordDrift,
  type RunStatus,
  type RunTotals,
  startRun,
} from './run-store';

export interface ReconcileDeps {
  prisma: PrismaClient;
  /** For the run lock's connection of its own. */
  databaseUrl: string;
  api: RehookApiClient;
  logger?: Logger;
  /** One clock per process stamps the repairs (see ReceiptClock). */
  clock?: ReceiptClock;
}

export interface ReconcileOptions {
  /** Only these customers (source ids); every customer the mirror knows when absent. */
  customers?: readonly string[];
  /** Compare and record the run and its drift, but append nothing. */
  dryRun?: boolean;
  /** `cli` or `schedule`, recorded with the run. */
  trigger?: string;
  /** Customers compared at once; requests are bounded by the client's own concurrency. */
  parallelCustomers?: number;
  /**
   * Stops the run early (a worker shutting down): no customer is started after it fires, the
   * ones in flight finish, and the run is recorded `failed` with how far it got.
   */
  signal?: AbortSignal;
}

/** A finished run, as recorded. */
export interface ReconcileRunResult extends RunTotals {
  id: string;
  status: Exclude<RunStatus, 'running'>;
  error: string | null;
  /** What a reader of the figures must know that is not an error (see {@link EMPTY_MIRROR_NOTE}). */
  note: string | null;
  dryRun: boolean;
}

/**
 * The note of a run that checked no customer because the mirror knows none. Such a run is
 * `succeeded` (there was nothing to compare: Rehook has no customer list to read instead), and
 * says so, so that it never passes for a run that fetched nothing from a mirror full of customers.
 * Having asked Rehook nothing, it is not counted as the last success (`reconcileFreshness`).
 * A mirror that knows customers never gets a `succeeded` run with 0 checked: customers that
 * could not be read make it `partial` or `failed`.
 */
export const EMPTY_MIRROR_NOTE =
  'the mirror knows no customer yet (no webhook named one): nothing was compared; Rehook has no customer list to read instead';

/** What one customer's check gave. */
interface CustomerResult {
  recordsRead: number;
  eventsAppended: number;
  drift: DriftItem[];
}

const defaultClock = new ReceiptClock();

/**
 * One reconciliation run: for every customer (or the ones asked for), reads the customer's
 * wallets, every page of every wallet's transactions and the referral list from Rehook's REST
 * API, compares them with the mirror by natural id, appends what the mirror lacks as events of
 * origin `reconcile` (stored and projected through the worker's own code path), and records
 * what it cannot repair as drift. Recorded honestly in `reconcile_runs`: a customer that could
 * not be read completely is neither compared nor repaired and makes the run `partial` (or
 * `failed` when no customer could be read); refused credentials fail the run at once.
 *
 * Runs one at a time (see acquireRunLock).
 *
 * @throws ReconcileBusyError when another run is in progress (nothing is recorded).
 */
export async function runReconcile(
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileRunResult> {
  const { prisma, logger } = deps;
  const release = await acquireRunLock(deps.databaseUrl);
  const id = randomUUID();
  const dryRun = options.dryRun ?? false;
  const totals: RunTotals = {
    customersChecked: 0,
    customersFailed: 0,
    recordsRead: 0,
    eventsAppended: 0,
    driftItems: 0,
  };
  const failures: string[] = [];
  let fatal: string | null = null;
  // Customers the run set out to check; null until they are known.
  let total: number | null = null;
  try {
    const interrupted = await failInterruptedRuns(prisma, new Date());
    if (interrupted > 0) logger?.warn({ interrupted }, 'reconcile: marked runs of stopped processes failed');
    await startRun(prisma, { id, trigger: options.trigger ?? 'cli', dryRun, startedAt: new Date() });
    logger?.info({ runId: id, dryRun }, 'reconcile: run started');
    try {
      const customers = options.customers ? [...new Set(options.customers)] : await knownCustomers(prisma);
      total = customers.length;
      let next = 0;
      const lane = async () => {
        while (fatal === null && !options.signal?.aborted && next < customers.length) {
          const sourceId = customers[next++] as string;
          try {
            const result = await checkCustomer(deps, id, sourceId, dryRun);
            totals.customersChecked += 1;
            totals.recordsRead += result.recordsRead;
            totals.eventsAppended += result.eventsAppended;
            totals.driftItems += result.drift.length;
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (error instanceof RehookAuthError) {
              fatal = message;
              return;
            }
            totals.customersFailed += 1;
            failures.push(`${sourceId}: ${message}`);
            logger?.warn({ runId: id, sourceId, error: message }, 'reconcile: customer not read');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.parallelCustomers ?? 8) }, lane));
      if (fatal === null && options.signal?.aborted && next < customers.length) {
        fatal = `stopped before it finished (its process was shutting down): ${totals.customersChecked + totals.customersFailed} of ${customers.length} customer(s) done`;
      }
    } catch (error) {
      // The mirror's own database failed (not Rehook): the run cannot go on.
      fatal = error instanceof Error ? error.message : String(error);
    }
    const status: ReconcileRunResult['status'] =
      fatal !== null
        ? 'failed'
        : totals.customersFailed === 0
          ? 'succeeded'
          : totals.customersChecked > 0
            ? 'partial'
            : 'failed';
    const error =
      fatal ??
      (failures.length === 0
        ? null
        : `${failures.length} customer(s) could not be read and were not compared; first: ${failures.slice(0, 3).join('; ')}`);
    const note = status === 'succeeded' && total === 0 && !options.customers ? EMPTY_MIRROR_NOTE : null;
    await finishRun(prisma, id, { ...totals, status, error, note, finishedAt: new Date() });
    logger?.info({ runId: id, status, ...totals, ...(note ? { note } : {}) }, 'reconcile: run finished');
    return { id, status, error, note, dryRun, ...totals };
  } finally {
    await release();
  }
}

/**
 * Reads one customer completely from Rehook, then compares and repairs. Any failure before the
 * comparison rejects, so a customer is compared on complete data or not at all.
 */
async function checkCustomer(
  deps: ReconcileDeps,
  runId: string,
  sourceId: string,
  dryRun: boolean,
): Promise<CustomerResult> {
  const { prisma, api } = deps;
  const [wallets, referrals] = await Promise.all([api.wallets(sourceId), api.referrals(sourceId)]);
  const listed = await Promise.all(
    (wallets ?? []).map(async (wallet) =>
      (await api.transactions(sourceId, wallet.wallet_id)).map((record): RehookEntry => ({
        walletId: wallet.wallet_id,
        record,
      })),
    ),
  );
  const rehook = listed.flat();
  const recordsRead = (wallets?.length ?? 0) + rehook.length + referrals.length;

  const [ledger, friends] = await Promise.all([
    mirrorLedger(prisma, sourceId),
    mirrorReferredFriends(prisma, sourceId),
  ]);
  const { missing, drift } = compareLedger(sourceId, ledger, rehook);
  drift.push(...compareReferrals(sourceId, friends, referrals));
  if (wallets === null) drift.push({ sourceId, kind: 'customer_unknown_to_rehook' });

  let eventsAppended = 0;
  if (dryRun) {
    for (const entry of missing) {
      drift.push({
        sourceId,
        kind: 'missing_in_mirror',
        transactionId: entry.record.transaction_id,
        direction: entry.record.type,
        rehookPoints: entry.record.points,
        detail: entry.walletId,
      });
    }
  } else if (missing.length > 0) {
    const clock = deps.clock ?? defaultClock;
    const recorded = await recordEvents(
      prisma,
      missing.map((entry) => repairDelivery(runId, sourceId, entry, clock)),
      { origin: 'reconcile' },
    );
    eventsAppended = recorded.filter((event) => event.outcome === 'stored').length;
  }
  await recordDrift(prisma, runId, drift);
  return { recordsRead, eventsAppended, drift };
}
