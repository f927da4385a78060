import { Client } from 'pg';

/** Advisory lock key of reconciliation runs ("reconcl" in ASCII, as an int8). */
const RUN_LOCK = 0x7265636f6e636cn;

/** Another run holds the lock. */
export class ReconcileBusyError extends Error {
  constructor() {
    super('another reconcile run is in progress');
    this.name = 'ReconcileBusyError';
  }
}

/**
 * One reconcile run at a time, across the CLI and every worker: a session-level Postgres
 * advisory lock on a connection of its own, held for the whole run. A run whose process is
 * killed loses its connection, and with it the lock, so the next run can start; nothing is
 * left to expire or clean up.
 *
 * @throws ReconcileBusyError when another run holds it.
 * @returns a function that releases the lock.
 */
export async function acquireRunLock(databaseUrl: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'mirror-reconcile-lock' });
  await client.connect();
  // A dropped lock connection must not crash the process; the run notices nothing until it ends.
  client.on('error', () => undefined);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      RUN_LOCK.toString(),
    ]);
    if (rows[0]?.locked !== true) throw new ReconcileBusyError();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return async () => {
    await client.end().catch(() => undefined);
  };
}
