/**
 * What kind of failure a database error is, told by its SQLSTATE (never by its message text,
 * which changes with the server's version and locale). The callers decide with it:
 *
 * - `data`: the statement failed on the values it was given (SQLSTATE class 22, data
 *   exception, such as a numeric overflow; class 23, integrity constraint violation, such as a
 *   check constraint). Running it again fails again: the recorder quarantines the event instead.
 * - `transient`: the statement may well succeed if run again (lost connection, serialization
 *   failure, deadlock, lock or statement timeout, server shutting down or out of connections).
 *   A job retries it; the API answers 503 with `Retry-After`.
 * - `other`: anything else (a bug in our SQL, a permission, a connection that broke before
 *   the server could say why): a job retries it, since no event can be blamed.
 */
export type SqlErrorKind = 'data' | 'transient' | 'other';

/** Our own SQLSTATE (class `MR`), raised by `mirror_require`: a recording batch must take the transactional path. */
export const PARTIAL_APPEND_SQLSTATE = 'MR001';

/** Transient SQLSTATEs outside the transient classes below. */
const TRANSIENT_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout, pg_cancel_backend)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

/** Classes whose every code is transient: 08 connection exception, 53 insufficient resources. */
const TRANSIENT_CLASSES = new Set(['08', '53']);

/** Classes whose every code is a data error: 22 data exception, 23 integrity constraint violation. */
const DATA_CLASSES = new Set(['22', '23']);

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function asSqlState(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) ? value : undefined;
}

/**
 * The SQLSTATE of a failed statement: from a Prisma error over the pg driver adapter
 * (`meta.driverAdapterError.cause.originalCode`), or a node-postgres error (`code`).
 * Undefined when the error carries none (the connection broke before the server answered).
 */
export function sqlStateOf(error: unknown): string | undefined {
  const cause = field(field(field(error, 'meta'), 'driverAdapterError'), 'cause');
  return (
    asSqlState(field(cause, 'originalCode')) ??
    asSqlState(field(cause, 'code')) ??
    asSqlState(field(error, 'code'))
  );
}

/** The server's own message for a failed statement, without Prisma's wrapping, for reasons and logs. */
export function sqlMessageOf(error: unknown): string {
  const cause = field(field(field(error, 'meta'), 'driverAdapterError'), 'cause');
  const message = field(cause, 'originalMessage') ?? field(cause, 'message');
  if (typeof message === 'string') return message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * See {@link SqlErrorKind}. An error with no SQLSTATE (the connection broke before the server
 * answered, or no database error at all) is `other`: retried, never blamed on an event.
 */
export function sqlErrorKind(error: unknown): SqlErrorKind {
  const state = sqlStateOf(error);
  if (state === undefined) return 'other';
  const errorClass = state.slice(0, 2);
  if (DATA_CLASSES.has(errorClass)) return 'data';
  if (TRANSIENT_CLASSES.has(errorClass) || TRANSIENT_CODES.has(state)) return 'transient';
  return 'other';
}
