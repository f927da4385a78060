import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrisma } from '@mirror/db';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from '@mirror/db/migrations';
import type { TestDatabase } from './database';
import { databaseUrl, withAdmin } from './postgres';

/** A database of a test's own at an earlier version of the schema, to test an upgrade. */
export interface DatabaseAtMigration extends TestDatabase {
  /** Applies the migrations after the one it was created at, as `pnpm mirror migrate` does. */
  migrateRest(): Promise<void>;
}

/**
 * A fresh database migrated up to and including `last` (a folder name of prisma/migrations),
 * with Prisma's history, so that applying the rest later is the upgrade an existing store goes
 * through. Its name has the test databases' prefix: the global setup drops it if the test dies.
 */
export async function createDatabaseAtMigration(last: string): Promise<DatabaseAtMigration> {
  const names = readMigrations().map((m) => m.name);
  if (!names.includes(last)) throw new Error(`no migration ${last} in prisma/migrations`);
  const dir = mkdtempSync(path.join(tmpdir(), 'mirror-migrations-'));
  for (const name of names.filter((n) => n <= last)) {
    cpSync(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
  }
  const name = `mirror_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  try {
    await applyMigrations(url, { migrationsDir: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const prisma = createPrisma(url);
  return {
    url,
    prisma,
    async migrateRest() {
      await applyMigrations(url);
    },
    async drop() {
      await prisma.$disconnect();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
