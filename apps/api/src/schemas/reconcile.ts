import { z } from 'zod';
import { Amount, pageOf, Timestamp } from './common';
import { named } from './registry';

const Count = z.int().nonnegative();

export const ReconcileRunStatus = z.enum(['running', 'succeeded', 'partial', 'failed']);

/** One reconciliation run against Rehook's REST API. */
export const ReconcileRun = named(
  'ReconcileRun',
  z.strictObject({
    id: z.uuid(),
    /** `cli` (pnpm mirror reconcile) or `schedule` (the workers, every RECONCILE_EVERY). */
    trigger: z.string(),
    dryRun: z.boolean(),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    /**
     * `succeeded` only when every customer was read completely; `partial` when some could not be
     * (they were neither compared nor repaired); `failed` when none could, or the run stopped
     * (refused credentials, its process died: see `error`).
     */
    status: ReconcileRunStatus,
    customersChecked: Count,
    customersFailed: Count,
    /** Wallets, transactions and referrals read from Rehook. */
    recordsRead: Count,
    /** Events of origin `reconcile` appended (what Rehook had and the mirror lacked). */
    eventsAppended: Count,
    driftItems: Count,
    error: z.string().nullable(),
    /**
     * What the figures alone do not say. A `succeeded` run with `customersChecked` 0 carries one:
     * the mirror knew no customer, so there was nothing to compare (Rehook has no customer list).
     */
    note: z.string().nullable(),
  }),
);
export type ReconcileRun = z.infer<typeof ReconcileRun>;
export const ReconcileRunPage = pageOf('ReconcileRunPage', ReconcileRun);
export type ReconcileRunPage = z.infer<typeof ReconcileRunPage>;

/** A difference a run found and did not repair. */
export const ReconcileDriftItem = named(
  'ReconcileDriftItem',
  z.strictObject({
    sourceId: z.string(),
    /**
     * `missing_in_rehook` (the mirror has a transaction Rehook does not list), `points_differ`,
     * `missing_in_mirror` (dry runs: what a run would append), `customer_unknown_to_rehook`,
     * `referral_missing_in_mirror`, `referral_missing_in_rehook`.
     */
    kind: z.string(),
    transactionId: z.string().nullable(),
    direction: z.string().nullable(),
    mirrorPoints: Amount.nullable(),
    rehookPoints: Amount.nullable(),
    detail: z.string().nullable(),
  }),
);
export type ReconcileDriftItem = z.infer<typeof ReconcileDriftItem>;

/** `GET /v1/reconcile/runs/{id}`: the run and a page of its drift items. */
export const ReconcileRunDetail = named(
  'ReconcileRunDetail',
  z.strictObject({
    run: ReconcileRun,
    drift: pageOf('ReconcileDriftPage', ReconcileDriftItem),
  }),
);
export type ReconcileRunDetail = z.infer<typeof ReconcileRunDetail>;
