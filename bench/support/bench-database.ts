import { Client } from 'pg';
import { applyMigrations } from '@mirror/db/migrations';

const SERVER = process.env['BENCH_DATABASE_SERVER'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A freshly migrated database of the benchmark's own, dropped by `drop`. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates `mirror_bench_<pid>_<label>`. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `mirror_bench_${process.pid}_${label}`;
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
