import type { AfterReconcile } from './reconcile-worker';

/**
 * What the workers do after each scheduled reconcile run (in the same job, one at a time across
 * all workers), given the recorded run. Nothing yet: issue #17 runs `verify` over a sample of
 * customers here.
 */
export const afterReconcile: AfterReconcile = () => Promise.resolve();
