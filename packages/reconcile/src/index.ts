export { compareLedger, compareReferrals, type DriftItem, type DriftKind } from './compare';
export { ReconcileBusyError } from './run-lock';
export {
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileRunResult,
  runReconcile,
} from './run-reconcile';
export { RECONCILE_OFF, rehookClientFromEnv } from './from-env';
