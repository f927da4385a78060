import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';

const PHASE_MESSAGES = {
  preparing: 'new read-model tables created; folding the event store into them',
  loading: null,
  'catching-up': 'catching up with the events stored meanwhile',
  switching: 'switching the API and the workers over to the new read models',
  done: 'switched; dropping the previous read models',
} as const;

export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .description(
      'Recompute every read model from the event store into new tables, then switch over to them ' +
        'in one short transaction. The mirror stays live meanwhile: workers keep projecting, the API ' +
        'answers from the previous read models until the switch. Interrupted at any point, it leaves ' +
        'the previous read models in place; run it again to start afresh.',
    )
    .option('--batch-size <events>', 'events read, folded and written per round trip', '5000')
    .action(async (options: { batchSize: string }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch-size must be a positive integer');
      const env = parseEnv(process.env);
      // The rebuild's guard transaction, its writer and its reader, and one for bookkeeping.
      const prisma = createPrisma(env.DATABASE_URL, { max: 4, role: 'cli' });
      const bar = new SingleBar({
        format: 'rebuild [{bar}] {percentage}% | {value}/{total} events | {speed} events/s',
        hideCursor: true,
      });
      const started = performance.now();
      let barStarted = false;
      try {
        const report = await rebuildReadModels(prisma, {
          batchSize,
          onPhase: (phase) => {
            const message = PHASE_MESSAGES[phase];
            if (message === null) return;
            if (barStarted) bar.stop();
            barStarted = false;
            process.stderr.write(`${message}\n`);
          },
          onProgress: ({ done, total }) => {
            const speed = Math.round(done / Math.max((performance.now() - started) / 1000, 0.001));
            if (!barStarted) {
              bar.start(total, done, { speed });
              barStarted = true;
            }
            bar.setTotal(total);
            bar.update(done, { speed });
          },
        });
        if (barStarted) bar.stop();
        barStarted = false;
        console.log(
          `rebuilt the read models from ${report.events} events in ${(report.durationMs / 1000).toFixed(1)} s: ` +
            `${Math.round(report.eventsPerSecond)} events/s ` +
            `(${report.projected} projected, ${report.events - report.projected} quarantined, ` +
            `${report.reclassified} reclassified by the current catalog, ` +
            `${report.caughtUp} stored while it ran)`,
        );
      } finally {
        if (barStarted) bar.stop();
        await prisma.$disconnect();
      }
    });
}
