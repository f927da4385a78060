import type { PrismaClient } from '@mirror/db';

/** What the stats read from Postgres with: any Prisma client, or a transaction of one. */
export type StatsDb = Pick<PrismaClient, '$queryRaw'>;

/** SQL for a timestamptz column as an ISO 8601 UTC string with milliseconds. */
export const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
