import { setTimeout as sleep } from 'node:timers/promises';
import { Client, DatabaseError } from 'pg';

/** Options of {@link waitForDatabase}. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between two attempts. @default 500 */
  retryEveryMs?: number;
  /** Told about each failed attempt that will be retried. */
  log?: (line: string) => void;
}

/**
 * SQLSTATE classes and codes of a server that is not ready yet: starting up or shutting down
 * (57P01-57P03, as during the official image's first start, which restarts the server), a
 * connection exception (class 08), too many connections (53300).
 */
function isTransientSqlState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || ['57P01', '57P02', '57P03'].includes(code);
}

/**
 * Whether an error of `connect` says "not yet" rather than "never": not an answer of the server
 * at all (the socket failed: refused, reset, name not resolvable yet, closed during the
 * handshake) or an answer with a transient SQLSTATE. A wrong password (28P01) or an unknown role (28000) fails at once.
 */
function isTransient(error: unknown): boolean {
  return error instanceof DatabaseError ? isTransientSqlState(error.code ?? '') : true;
}

/** The URL without its password, for messages. */
function describe(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

/**
 * Waits until the Postgres server of `databaseUrl` accepts a connection over the network and
 * answers a query, retrying "not yet" failures (see {@link isTransient}) until `timeoutMs`.
 * `mirror migrate --wait` uses it: a container's Postgres can pass its health check during its
 * first start and restart right after, and a health check says nothing to a migration started by
 * hand. It connects to the server's `postgres` database, since the target one may not exist yet.
 *
 * @throws the last error, with the URL (password hidden) and the time waited, once the deadline
 *   passes, or at once for an error that no retry can fix.
 */
export async function waitForDatabase(databaseUrl: string, options: WaitOptions): Promise<void> {
  const { timeoutMs, retryEveryMs = 500, log } = options;
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const client = new Client({
      connectionString: url.toString(),
      connectionTimeoutMillis: Math.max(1_000, Math.min(5_000, timeoutMs)),
    });
    // A server going away after connect emits 'error' on the client: handled by the catch below.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      const waited = Date.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      if (!isTransient(error)) throw error;
      if (waited + retryEveryMs > timeoutMs) {
        throw new Error(
          `Postgres at ${describe(databaseUrl)} did not accept a connection within ${Math.round(waited / 1000)} s ` +
            `(${attempt} attempts; last: ${message || String((error as { code?: unknown }).code)})`,
          { cause: error },
        );
      }
      log?.(`waiting for Postgres at ${describe(databaseUrl)}: ${message || 'not reachable yet'}`);
      await sleep(retryEveryMs);
    } finally {
      await client.end().catch(() => {});
    }
  }
}
