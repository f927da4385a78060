import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { databaseUrl, withAdmin } from '../../../../test/support/postgres';
import { applyMigrations, MigrationError } from './apply-migrations';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, readMigrations } from './migration-files';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const created: string[] = [];
async function freshDatabaseName(): Promise<string> {
  const name = `mirror_test_${process.pid}_mig${created.length}`;
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  created.push(name);
  return name;
}
afterAll(async () => {
  await withAdmin(async (admin) => {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function tempMigrationsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mirror-migrations-'));
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('pnpm mirror migrate', () => {
  it('creates the database, applies every migration, and a second run does nothing', async () => {
    const url = databaseUrl(await freshDatabaseName());
    const env = { ...process.env, DATABASE_URL: url };
    const first = await run(TSX, ['apps/cli/src/main.ts', 'migrate'], { cwd: ROOT, env });
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    const second = await run(TSX, ['apps/cli/src/main.ts', 'migrate'], { cwd: ROOT, env });
    expect(second.stdout).toMatch(/database is up to date/);

    const tables = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(['events', 'customers', '_prisma_migrations']),
    );
  });

  it('records history exactly as prisma migrate deploy does, so Prisma sees nothing pending', async () => {
    const url = databaseUrl(await freshDatabaseName());
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`));
    await applyMigrations(url);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const files = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const bytes = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.checksum).toBe(files[i]?.checksum);
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const script = `
      import { diagnoseHistory } from './packages/db/src/migrations/schema-engine';
      diagnoseHistory(${JSON.stringify(url)}).then((d) => process.stdout.write(JSON.stringify(d)));`;
    const { stdout } = await run(TSX, ['--eval', script], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
  });

  it('reports a failing migration by name, rolls it back whole, and applies it once it is fixed', async () => {
    const name = await freshDatabaseName();
    const url = databaseUrl(name);
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const dir = tempMigrationsDir();
    const bad = path.join(dir, '29990101000000_broken');
    mkdirSync(bad);
    writeFileSync(
      path.join(bad, 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
    );

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      /Migration 29990101000000_broken failed and was rolled back .*no_such_table/,
    );
    const leftovers = await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
    expect(leftovers).toHaveLength(0);

    writeFileSync(path.join(bad, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    const result = await applyMigrations(url, { migrationsDir: dir });
    expect(result.applied).toEqual(['29990101000000_broken']);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const name = await freshDatabaseName();
    const url = databaseUrl(name);
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const dir = tempMigrationsDir();
    await applyMigrations(url, { migrationsDir: dir });
    const first = readMigrations(dir)[0]!;
    writeFileSync(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(`${first.name} was edited after it was applied`);
  });

  it('explains that it cannot connect instead of failing obscurely', async () => {
    await expect(applyMigrations('postgresql://postgres@127.0.0.1:1/nowhere')).rejects.toThrow(
      /Cannot connect to the database/,
    );
  });
});

describe('the event store table', () => {
  it('is append-only: changes to what was received, deletes and truncation are refused', async () => {
    const name = await freshDatabaseName();
    const url = databaseUrl(name);
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    await applyMigrations(url);
    await query(
      url,
      `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
       VALUES ('k1', 1, now(), 'KMN@123', 'invalid', '{}')`,
    );
    // A rebuild may re-read an event with a newer catalog (name, status, reason); nothing else changes.
    await expect(query(url, 'UPDATE events SET raw_body = \'{"x":1}\'')).rejects.toThrow(/append-only/);
    await expect(query(url, 'UPDATE events SET receipt_stamp = 2')).rejects.toThrow(/append-only/);
    await expect(query(url, "UPDATE events SET idempotency_key = 'k2'")).rejects.toThrow(/append-only/);
    await query(url, "UPDATE events SET status = 'projected', reason = NULL, name = 'signup'");
    await expect(query(url, 'DELETE FROM events')).rejects.toThrow(/append-only/);
    await expect(query(url, 'TRUNCATE events')).rejects.toThrow(/append-only/);
    expect(await query(url, 'SELECT 1 FROM events')).toHaveLength(1);
  });
});

describe('the schema check (pnpm mirror migrate --check)', () => {
  // The wasm schema engine's glue is an ES module, which jest's CommonJS runtime cannot load;
  // these run it the way operators and CI do, through tsx.
  async function diff(schemaPath: string): Promise<string> {
    const script = `
      import { diffMigrationsToSchema } from './packages/db/src/migrations/schema-engine';
      diffMigrationsToSchema(${JSON.stringify(databaseUrl('postgres'))}, { schemaPath: ${JSON.stringify(schemaPath)} })
        .then((sql) => process.stdout.write(sql));`;
    const { stdout } = await run(TSX, ['--eval', script], { cwd: ROOT });
    return stdout;
  }

  it('passes when schema.prisma and the migrations agree', async () => {
    const { stdout } = await run(TSX, ['apps/cli/src/main.ts', 'migrate', '--check'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl('postgres') },
    });
    expect(stdout).toContain('agree');
  });

  it('prints the missing migration when the schema has moved on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mirror-schema-'));
    const schemaPath = path.join(dir, 'schema.prisma');
    writeFileSync(
      schemaPath,
      `${readFileSync(DEFAULT_SCHEMA_PATH, 'utf8')}\nmodel Extra {\n  id Int @id\n  @@map("extra_things")\n}\n`,
    );
    expect(await diff(schemaPath)).toMatch(/CREATE TABLE "extra_things"/);
  });
});
