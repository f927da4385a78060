/**
 * Prisma's schema engine, run as WebAssembly, for the two development-time jobs that need it:
 * writing the next migration from schema.prisma, and checking that schema and migrations agree.
 *
 * Prisma 7's CLI downloads a native engine for these at run time, from a host this project's
 * machines cannot reach; the same engine ships as wasm inside `prisma` (build/schema_engine_bg.wasm)
 * and `@prisma/schema-engine-wasm` provides its JS glue. Both versions are pinned exactly in
 * package.json: this module leans on Prisma internals. See ../../../../prisma/README.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, readMigrations } from './migration-files';

/** The subset of the engine's API used here (its own .d.ts is ESM-only). */
interface SchemaEngine {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
  diagnoseMigrationHistory(input: {
    migrationsList: DiffTarget & { tag: 'migrations' };
    optInToShadowDatabase: boolean;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<HistoryDiagnosis>;
  free(): void;
}

/** What Prisma's own `migrate status`/`migrate deploy` would conclude about a database's history. */
export interface HistoryDiagnosis {
  editedMigrationNames: string[];
  failedMigrationNames: string[];
  hasMigrationsTable: boolean;
  /** null when the database's history and the folder agree. */
  history: { diagnostic: string; unappliedMigrationNames?: string[] } | null;
}
type DiffTarget =
  | { tag: 'empty' }
  | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] }
  | {
      tag: 'migrations';
      baseDir: string;
      lockfile: { path: string; content: string | null };
      shadowDbInitScript: string;
      migrationDirectories: {
        path: string;
        migrationFile: { path: string; content: { tag: 'ok'; value: string } };
      }[];
    };
/** The two WebAssembly calls used here (the project's lib settings carry no DOM/wasm types). */
interface WasmRuntime {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

interface EngineGlue {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] },
      log: (line: string) => void,
      adapter: object,
    ) => Promise<SchemaEngine>;
  };
}

/** Postgres's internal `"char"` (18) and `"char"[]` (1002), which adapter-pg 7.10 cannot read. */
const CHAR_OID = 18;
const CHAR_ARRAY_OID = 1002;
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;

/**
 * A pg pool whose results report `"char"` columns as text: the engine's catalog queries select
 * such columns and adapter-pg would otherwise fail with "Column type 'char' could not be
 * deserialized". The values are strings either way.
 */
function charSafePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  // An idle connection dropped by the server (the shadow database going away) is not an error here.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const asText = (result: pg.QueryResult | undefined) => {
      for (const field of result?.fields ?? []) {
        if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
        if (field.dataTypeID === CHAR_ARRAY_OID) field.dataTypeID = TEXT_ARRAY_OID;
      }
      return result;
    };
    // pg's query() is overloaded: promise form, or a callback last (which pool.query uses).
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        return query(...args.slice(0, -1), (error: Error | null, result: pg.QueryResult) =>
          (callback as (e: Error | null, r: unknown) => void)(error, asText(result)),
        );
      }
      const pending = query(...args);
      return pending instanceof Promise ? pending.then(asText) : pending;
    };
  });
  return pool;
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * adapter-pg 7.10.1 runs a script by splitting it at every ';', which breaks dollar-quoted
 * function bodies (our append-only trigger). Prisma's native engine sends the script whole, in
 * one simple-protocol query; do the same.
 */
function wholeScripts(adapter: PgAdapter): PgAdapter {
  const client = (adapter as unknown as { client: { query(sql: string): Promise<unknown> } }).client;
  adapter.executeScript = async (script: string) => {
    await client.query(script);
  };
  return adapter;
}

/**
 * The adapter factory the engine talks through. adapter-pg 7.10.1's own `connectToShadowDb()`
 * connects to the main database, so a diff would create tables there: ours creates a scratch
 * database for each shadow connection and drops it when the engine lets go of it.
 */
function engineAdapter(databaseUrl: string) {
  const pools: pg.Pool[] = [];
  const factory = new PrismaPg(track(charSafePool(databaseUrl)));
  function track(pool: pg.Pool): pg.Pool {
    pools.push(pool);
    return pool;
  }
  const adapter = {
    provider: 'postgres' as const,
    adapterName: factory.adapterName,
    connect: async () => wholeScripts(await factory.connect()),
    async connectToShadowDb() {
      const name = `mirror_shadow_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      const shadowPool = charSafePool(url.toString());
      const shadow = wholeScripts(await new PrismaPg(shadowPool).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await shadowPool.end();
        const cleanup = new pg.Client({ connectionString: databaseUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await cleanup.end();
      };
      return shadow;
    },
  };
  return {
    adapter: bindMigrationAwareSqlAdapterFactory(adapter),
    close: () => Promise.all(pools.map((pool) => pool.end().catch(() => {}))),
  };
}

async function loadEngine(schemaPath: string, databaseUrl: string) {
  // The glue is an ES module; tsx (which runs the CLI) loads it with a dynamic import.
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineGlue;
  const wasmPath = path.join(
    path.dirname(require.resolve('prisma/package.json')),
    'build/schema_engine_bg.wasm',
  );
  const { instance } = await wasmRuntime.instantiate(readFileSync(wasmPath), {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  const { adapter, close } = engineAdapter(databaseUrl);
  const schema = readFileSync(schemaPath, 'utf8');
  const engine = await glue.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter);
  return { engine, schema, close };
}

function migrationsTarget(dir: string): DiffTarget & { tag: 'migrations' } {
  const lockPath = path.join(dir, 'migration_lock.toml');
  const lock = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null;
  return {
    tag: 'migrations',
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories: readMigrations(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

/**
 * The SQL that takes a database from the state the migrations leave to the state schema.prisma
 * describes ("" when they agree). Replays the migrations in a scratch (shadow) database that
 * the `databaseUrl` server hosts for the duration of the call.
 */
export async function diffMigrationsToSchema(
  databaseUrl: string,
  options: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<string> {
  const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const { engine, schema, close } = await loadEngine(schemaPath, databaseUrl);
  try {
    const result = await engine.diff({
      // With no migrations yet, the engine wants "empty" rather than an empty folder.
      from: readMigrations(migrationsDir).length === 0 ? { tag: 'empty' } : migrationsTarget(migrationsDir),
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = result.stdout ?? '';
    // An empty diff is a comment line only.
    return sql.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')) ? sql : '';
  } finally {
    engine.free();
    await close();
  }
}

/**
 * Ask Prisma's engine what it thinks of `databaseUrl`'s migration history: the check that a
 * database migrated by our applier looks fully migrated to `prisma migrate deploy`.
 */
export async function diagnoseHistory(
  databaseUrl: string,
  options: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<HistoryDiagnosis> {
  const { engine, close } = await loadEngine(options.schemaPath ?? DEFAULT_SCHEMA_PATH, databaseUrl);
  try {
    return await engine.diagnoseMigrationHistory({
      migrationsList: migrationsTarget(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR),
      optInToShadowDatabase: false,
      filters: { externalTables: [], externalEnums: [] },
    });
  } finally {
    engine.free();
    await close();
  }
}
