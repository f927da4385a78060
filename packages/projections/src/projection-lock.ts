/**
 * The advisory lock that keeps live projection and a rebuild apart: every transaction that
 * appends and projects holds it in shared mode (they never wait for each other), a rebuild
 * holds it exclusively, so no live write interleaves with the replay.
 */
export const PROJECTION_LOCK_ID = 4_815_162_342n;

/** Taken at the start of every live append-and-project transaction. */
export const LOCK_SHARED_SQL = `SELECT pg_advisory_xact_lock_shared(${PROJECTION_LOCK_ID})`;

/** Taken by a rebuild; waits for in-flight live transactions to finish. */
export const LOCK_EXCLUSIVE_SQL = `SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_ID})`;
