import { randomBytes } from 'node:crypto';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { databaseUrl, templateName, withAdmin } from './postgres';

export interface TestDatabase {
  /** Connection string of this test's own database. */
  url: string;
  prisma: PrismaClient;
  /** Disconnect and drop the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, fully migrated database of its own for a test file (cloned from the template that
 * the global setup builds), so tests never see each other's rows.
 *
 * @param options.migrated - false for an empty database, for a test that migrates it itself
 *   (an upgrade from an earlier schema).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `mirror_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = options.migrated === false ? '' : ` TEMPLATE "${templateName()}"`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"${template}`));
  const url = databaseUrl(name);
  const prisma = createPrisma(url);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
