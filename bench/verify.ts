// `pnpm bench verify`: `verify --all` (runVerify over every event, in one snapshot) next to a
// rebuild of the same store, measured in the same run, round by round, as events per second.
// Target: verify at least half the rebuild's rate.
//
// Setup (not timed): a fresh database, N stored events of the realistic mix (as `pnpm bench
// rebuild`), one warm-up rebuild that leaves the read models populated. Then `rounds` times:
// rebuild, then verify --all (which must pass).
//
// Options: --events <n> (205000), --rounds <n> (3), --customers <n> (events / 10).
import { parseArgs } from 'node:util';
import { createPrisma } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';
import { runVerify } from '@mirror/verify';
import type { Benchmark } from './main';
import { store } from './rebuild';
import { createBenchDatabase } from './support/bench-database';
import { median } from './support/process-cpu';

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '205000' },
      rounds: { type: 'string', default: '3' },
      customers: { type: 'string' },
    },
  });
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const customers = Number(values.customers ?? Math.ceil(events / 10));
  const db = await createBenchDatabase('verify');
  const prisma = createPrisma(db.url, { max: 3 });
  try {
    process.stdout.write(`storing ${events} events over ${customers} customers... `);
    const stored = await store(prisma, events, customers);
    const warm = await rebuildReadModels(prisma);
    console.log(
      `${stored} distinct events stored; warm-up rebuild ${Math.round(warm.eventsPerSecond)} events/s`,
    );
    const ratios: number[] = [];
    const rebuilds: number[] = [];
    const verifies: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const rebuild = await rebuildReadModels(prisma);
      const verify = await runVerify({ prisma, all: true, trigger: 'bench' });
      if (verify.status !== 'passed') {
        throw new Error(
          `verify did not pass: ${verify.status} ${verify.error ?? ''} (${verify.differences.length} differences)`,
        );
      }
      const verifyRate = (verify.events / verify.durationMs) * 1000;
      rebuilds.push(rebuild.eventsPerSecond);
      verifies.push(verifyRate);
      ratios.push(verifyRate / rebuild.eventsPerSecond);
      console.log(
        `round ${round}: rebuild ${Math.round(rebuild.eventsPerSecond)} events/s (${Math.round(rebuild.durationMs)} ms) | ` +
          `verify --all ${Math.round(verifyRate)} events/s (${Math.round(verify.durationMs)} ms, ${verify.customersChecked} customers) | ` +
          `verify / rebuild = ${(verifyRate / rebuild.eventsPerSecond).toFixed(2)}`,
      );
    }
    console.log(
      `\nmedian of ${rounds}: rebuild ${Math.round(median(rebuilds))} events/s, verify --all ${Math.round(median(verifies))} events/s, ` +
        `verify / rebuild = ${median(ratios).toFixed(2)} (target >= 0.5)`,
    );
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

export const benchmark: Benchmark = {
  description: 'verify --all over >= 200,000 stored events, next to a rebuild of the same store',
  run,
};
