import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** A throwaway Postgres cluster that a test can stop and start (the shared one must stay up). */
export interface PrivatePostgres {
  /** Superuser URL of database `postgres` on the cluster. */
  url: string;
  port: number;
  start(): void;
  /** Stops the server at once (`immediate`: like a crash, in-flight transactions are lost). */
  stop(): void;
  /** Stops it and deletes its data directory. */
  destroy(): void;
}

/** Runs a Postgres binary as the `postgres` user when we are root (root may not run Postgres). */
function asPostgres(binary: string, args: string[]): void {
  const command = path.join(BIN, binary);
  if (process.getuid?.() === 0)
    execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
  else execFileSync(command, args, { stdio: 'pipe' });
}

/**
 * Creates a cluster in a fresh directory under /tmp, listening on 127.0.0.1:`port` with trust
 * auth and fsync off (it holds test data only), and starts it.
 */
export function createPrivatePostgres(port: number): PrivatePostgres {
  const dir = mkdtempSync(path.join(tmpdir(), 'mirror-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const cluster: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () =>
      asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']),
    stop: () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    destroy: () => {
      try {
        cluster.stop();
      } catch {
        // Not running.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
