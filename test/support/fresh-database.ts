import type { PrismaClient } from '@mirror/db';
import { createTestDatabase, type TestDatabase } from './database';

/**
 * Gives each test of the calling file a fresh, migrated database of its own (cloned from the
 * template), dropped afterwards. Call at the top of a describe block; read `.prisma` in tests.
 */
export function freshDatabasePerTest(): { readonly prisma: PrismaClient; readonly url: string } {
  let database: TestDatabase | undefined;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });
  return {
    get prisma() {
      if (database === undefined) throw new Error('no database outside a test');
      return database.prisma;
    },
    get url() {
      if (database === undefined) throw new Error('no database outside a test');
      return database.url;
    },
  };
}
