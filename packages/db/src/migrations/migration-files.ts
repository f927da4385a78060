import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One `prisma/migrations/<name>/migration.sql`, as Prisma's own CLI sees it. */
export interface MigrationFile {
  /** The folder name, e.g. `20261126190000_init`; migrations apply in this order. */
  name: string;
  sql: string;
  /** Lower-case hex SHA-256 of the file's bytes: what Prisma records in `_prisma_migrations`. */
  checksum: string;
}

/** The migrations folder in the standard Prisma layout, at the repository root. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');
export const DEFAULT_SCHEMA_PATH = path.resolve(__dirname, '../../../../prisma/schema.prisma');

/** Read every migration folder, in name order (Prisma's order). */
export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return {
        name,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    });
}
