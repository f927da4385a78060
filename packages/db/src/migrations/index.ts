export { applyMigrations, MigrationError } from './apply-migrations';
export type { ApplyResult } from './apply-migrations';
export { ensureDatabaseExists } from './ensure-database';
export { readMigrations, DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './migration-files';
export type { MigrationFile } from './migration-files';
// createMigration and diffMigrationsToSchema load the wasm engine (a dev dependency): import
// them from './migrations/create-migration' and './migrations/schema-engine' where needed.
