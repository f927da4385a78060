import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient };

/** Who talks to the database: each role gets the timeouts that suit it ({@link DB_TIMEOUTS}). */
export type DbRole = 'worker' | 'api' | 'cli';

/** The bounds of every statement of a role's connections, in milliseconds. */
export interface DbTimeouts {
  /** `statement_timeout`: longest a statement may run. */
  statementMs: number;
  /** `lock_timeout`: longest a statement may wait for a lock (rows, tables, advisory locks). */
  lockMs: number;
  /** `idle_in_transaction_session_timeout`: a transaction left open by a stuck client is ended. */
  idleInTransactionMs: number;
}

/**
 * Set on every connection of a role, so they bound every transaction it runs (a timeout ends
 * the statement with SQLSTATE 57014 or 55P03, which callers treat as transient).
 *
 * - worker: a batch's statements take milliseconds; a minute means Postgres is in trouble, and
 *   the job is better retried with backoff than left holding its connection. Locks: other
 *   workers hold the same rows for milliseconds; a rebuild holds the projection lock for long,
 *   and then the job retries later instead of waiting for all of it.
 * - api: a request must answer well within its 30 s request timeout: reads take milliseconds,
 *   and a write that waits for a lock (a fulfilment during a rebuild, a read behind a migration's
 *   table lock) answers 503 with `Retry-After` after two seconds instead of hanging.
 * - cli: a rebuild writes change sets of 50,000 rows and clears whole tables in single
 *   statements, which may take minutes on a big store; it waits for live transactions to finish
 *   (each bounded by the worker's timeouts) before taking the projection lock.
 */
export const DB_TIMEOUTS: Readonly<Record<DbRole, DbTimeouts>> = {
  worker: { statementMs: 60_000, lockMs: 20_000, idleInTransactionMs: 120_000 },
  api: { statementMs: 10_000, lockMs: 2_000, idleInTransactionMs: 30_000 },
  cli: { statementMs: 30 * 60_000, lockMs: 120_000, idleInTransactionMs: 30 * 60_000 },
};

/** Options of {@link createPrisma}. */
export interface CreatePrismaOptions {
  /** Pool size of this process. @defaultValue 10 */
  max?: number;
  /** Whose timeouts the connections get. @defaultValue 'cli' */
  role?: DbRole;
}

/**
 * A Prisma client over node-postgres (Prisma 7 is Rust-free at run time: the adapter does the
 * talking), each connection started with the role's timeouts (see {@link DB_TIMEOUTS}).
 */
export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): PrismaClient {
  const timeouts = DB_TIMEOUTS[options.role ?? 'cli'];
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  });
  return new PrismaClient({ adapter });
}
