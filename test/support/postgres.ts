import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { readMigrations } from '@mirror/db/migrations';

/** The Postgres server the integration tests use (the machine's own, or TEST_DATABASE_URL's). */
export const TEST_SERVER_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A database URL on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The migrated template that test databases are cloned from. Its name carries a hash of the
 * migrations, so concurrent test runs share it and a changed migration gets a fresh one.
 */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const m of readMigrations()) hash.update(m.name).update(m.checksum);
  return `mirror_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
