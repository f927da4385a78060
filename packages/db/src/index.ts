export {
  createPrisma,
  type CreatePrismaOptions,
  DB_TIMEOUTS,
  type DbRole,
  type DbTimeouts,
  PrismaClient,
} from './prisma';
export { Prisma, EventStatus } from './generated/prisma/client';
export type * from './generated/prisma/models';
export {
  PARTIAL_APPEND_SQLSTATE,
  sqlErrorKind,
  sqlMessageOf,
  sqlStateOf,
  type SqlErrorKind,
} from './sql-errors';
