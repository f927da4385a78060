import type { PrismaClient } from '@mirror/db';

/**
 * What the event store needs from Prisma: raw statements only (the typed API cannot express
 * `INSERT ... SELECT FROM unnest ... ON CONFLICT`). A client or an interactive transaction.
 */
export type SqlClient = Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;
