import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from '@mirror/db/migrations';
import { createTestDatabase, type TestDatabase } from './database';

/** A database of a test's own at an earlier version of the schema, to test an upgrade. */
export interface DatabaseAtMigration extends TestDatabase {
  /** Applies the migrations after the one it was created at (their SQL, as `applyMigrations` does). */
  migrateRest(): Promise<void>;
}

/**
 * A fresh database migrated up to and including `last` (a folder name of prisma/migrations),
 * with Prisma's history, so that applying the rest later is the upgrade an existing store goes
 * through.
 */
export async function createDatabaseAtMigration(last: string): Promise<DatabaseAtMigration> {
  const names = readMigrations().map((m) => m.name);
  if (!names.includes(last)) throw new Error(`no migration ${last} in prisma/migrations`);
  const dir = mkdtempSync(path.join(tmpdir(), 'mirror-migrations-'));
  const database = await createTestDatabase({ migrated: false });
  try {
    for (const name of names.filter((n) => n <= last)) {
      cpSync(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    }
    await applyMigrations(database.url, { migrationsDir: dir });
  } catch (error) {
    await database.drop();
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    ...database,
    async migrateRest() {
      await applyMigrations(database.url);
    },
  };
}
