import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from './migration-files';

/** The advisory lock `prisma migrate deploy` takes, so that our applier and Prisma's exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Prisma's own history table, created exactly as its CLI creates it. */
const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** A migration problem that an operator must act on; the message says what and how. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface ApplyResult {
  applied: string[];
  alreadyApplied: string[];
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Apply the pending migrations of `prisma/migrations` to the database, writing Prisma's history
 * table the way `prisma migrate deploy` does, so that the real CLI (on a machine that can
 * download its engine) sees the same history as applied. Needs no download: plain SQL over pg.
 *
 * Unlike Prisma, each migration runs in a transaction: a failed one leaves nothing behind and
 * no "failed" row, so fixing the file and running again is all it takes.
 */
export async function applyMigrations(
  databaseUrl: string,
  options: { migrationsDir?: string; log?: (line: string) => void } = {},
): Promise<ApplyResult> {
  const log = options.log ?? (() => {});
  const migrations = readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  if (migrations.length === 0) throw new MigrationError('No migrations found in prisma/migrations.');

  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`Cannot connect to the database: ${(error as Error).message}`);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_HISTORY_TABLE);
    const { rows } = await client.query<HistoryRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const history = rows.filter((row) => row.rolled_back_at === null);

    const failed = history.find((row) => row.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed in an earlier run and was left unfinished. ` +
          'Repair the database by hand, then mark it with `prisma migrate resolve`.',
      );
    }
    const known = new Map(migrations.map((m) => [m.name, m]));
    for (const row of history) {
      const file = known.get(row.migration_name);
      if (!file) {
        throw new MigrationError(
          `The database has migration ${row.migration_name} applied, which prisma/migrations does not have ` +
            '(a newer version of the code ran against this database?).',
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `Migration ${row.migration_name} was edited after it was applied (checksum differs). ` +
            'Never edit an applied migration: restore it and add a new one.',
        );
      }
    }

    const done = new Set(history.map((row) => row.migration_name));
    const result: ApplyResult = { applied: [], alreadyApplied: [...done] };
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      const startedAt = new Date();
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new MigrationError(
          `Migration ${migration.name} failed and was rolled back (nothing of it was applied): ` +
            `${(error as Error).message}`,
        );
      }
      log(`applied ${migration.name}`);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.end().catch(() => {});
  }
}
