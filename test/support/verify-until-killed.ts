// A verify run that never finishes on its own (`tsx test/support/verify-until-killed.ts <url>`):
// it holds its snapshot until the process is killed, as a run killed mid-way does.
import { createPrisma } from '@mirror/db';
import { runVerify } from '@mirror/verify';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: verify-until-killed <database url>');
void runVerify({
  prisma: createPrisma(url),
  customers: ['KMN@123'],
  onSnapshot: () => new Promise<void>(() => undefined),
});
