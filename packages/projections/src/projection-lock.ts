import { TABLE_ORDER, TABLES } from './changes';

/**
 * The advisory lock that keeps live projection and a rebuild apart: every transaction that
 * appends and projects holds it in shared mode (they never wait for each other), a rebuild
 * holds it exclusively for an instant (to learn which events are committed) and at its switch,
 * so no live write interleaves with the events it folds last.
 */
export const PROJECTION_LOCK_ID = 4_815_162_342n;

/** Taken at the start of every live append-and-project transaction. */
export const LOCK_SHARED_SQL = `SELECT pg_advisory_xact_lock_shared(${PROJECTION_LOCK_ID})`;

/** Taken by a rebuild; waits for in-flight live transactions to finish. */
export const LOCK_EXCLUSIVE_SQL = `SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_ID})`;

/**
 * The lock every live write takes on the read models anyway (ROW EXCLUSIVE), on all of them at
 * once and in {@link TABLE_ORDER}: taken before {@link LOCK_SHARED_SQL} by a transaction that
 * writes them in later statements.
 */
export const LOCK_READ_MODELS_SQL = `LOCK TABLE ${TABLE_ORDER.map((t) => TABLES[t].table).join(', ')} IN ROW EXCLUSIVE MODE`;
