const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The SQLSTATE of a failed statement, or null when the error did not come from Postgres.
 * Prisma's driver adapter puts it at `meta.driverAdapterError.cause.originalCode` (its own
 * `code` is P2010 for every raw query); node-postgres errors carry it as `code`.
 */
export function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { meta, code } = error as { meta?: unknown; code?: unknown };
  const cause = (
    meta as { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } | undefined
  )?.driverAdapterError?.cause;
  for (const candidate of [cause?.originalCode, cause?.code, code]) {
    if (typeof candidate === 'string' && SQLSTATE.test(candidate)) return candidate;
  }
  return null;
}
