export { compareLedger, compareReferrals, type DriftItem, type DriftKind } from './compare';
export { acquireRunLock, ReconcileBusyError } from './run-lock';
export {
  EMPTY_MIRROR_NOTE,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileRunResult,
  runReconcile,
} from './run-reconcile';
export { RECONCILE_OFF, rehookClientFromEnv } from './from-env';
