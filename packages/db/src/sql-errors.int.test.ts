import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sqlErrorKind, sqlMessageOf, sqlStateOf } from './sql-errors';

// A fresh database takes seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

/** The error Postgres (through Prisma's pg adapter) raises for `sql`, run in a transaction after `setup`. */
async function errorOf(sql: string, setup: string[] = []): Promise<unknown> {
  try {
    await db.prisma.$transaction(async (tx) => {
      for (const statement of setup) await tx.$executeRawUnsafe(statement);
      await tx.$executeRawUnsafe(sql);
    });
  } catch (error) {
    return error;
  }
  throw new Error(`${sql} did not fail`);
}

describe('SQL errors, told apart by SQLSTATE', () => {
  it('a value the column cannot hold is a data error (class 22)', async () => {
    const error = await errorOf('SELECT 1e40::numeric(38,4)');
    expect(sqlStateOf(error)).toBe('22003');
    expect(sqlMessageOf(error)).toBe('numeric field overflow');
    expect(sqlErrorKind(error)).toBe('data');
  });

  it('a time out of range and a check constraint are data errors (classes 22, 23)', async () => {
    expect(sqlErrorKind(await errorOf("SELECT '0000-01-01'::timestamptz"))).toBe('data');
    const check = await errorOf('INSERT INTO t VALUES (-1)', ['CREATE TEMP TABLE t (n int CHECK (n > 0))']);
    expect(sqlStateOf(check)).toBe('23514');
    expect(sqlErrorKind(check)).toBe('data');
  });

  it('a lock or statement timeout is transient', async () => {
    const timeout = await errorOf('SELECT pg_sleep(5)::text', ["SET LOCAL statement_timeout = '50ms'"]);
    expect(sqlStateOf(timeout)).toBe('57014');
    expect(sqlErrorKind(timeout)).toBe('transient');

    const holder = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(42)');
      return errorOf('SELECT pg_advisory_xact_lock(42)::text', ["SET LOCAL lock_timeout = '50ms'"]);
    });
    expect(sqlStateOf(holder)).toBe('55P03');
    expect(sqlErrorKind(holder)).toBe('transient');
  });

  it('a bug in the SQL is neither, and an error without SQLSTATE is not blamed on the data', async () => {
    expect(sqlErrorKind(await errorOf('SELEC 1'))).toBe('other');
    expect(sqlErrorKind(new Error('Connection terminated unexpectedly'))).toBe('other');
  });
});
