export { createPrisma, PrismaClient } from './prisma';
export { Prisma, EventStatus } from './generated/prisma/client';
export type * from './generated/prisma/models';
