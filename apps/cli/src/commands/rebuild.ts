import { type Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import { REBUILD_PHASES, type RebuildPhase, rebuildReadModels } from '@mirror/projections';

const PHASE_MESSAGES = {
  preparing: 'new read-model tables created; folding the event store into them',
  loading: null,
  'catching-up': 'catching up with the events stored meanwhile',
  switching: 'switching the API and the workers over to the new read models',
  done: 'switched; dropping the previous read models',
} as const;

/**
 * Waits until the process is ended by a signal. What `--pause-at` does at its phase, so that a
 * test can interrupt a real rebuild process at a known point (an interval keeps Node from
 * exiting on an empty event loop).
 */
function pauseUntilSignalled(phase: RebuildPhase): Promise<never> {
  process.stderr.write(`paused at ${phase} (pid ${process.pid}); end the process to go on\n`);
  return new Promise<never>(() => setInterval(() => undefined, 60_000));
}

/**
 * On SIGINT or SIGTERM, says what state the rebuild leaves behind and exits at once, as
 * SIGKILL would: closing the connections rolls back whatever was not committed (Postgres
 * releases the rebuild's locks with them), which is always safe; waiting for the run to wind
 * down would not be.
 */
function exitOnSignal(switched: () => boolean): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(
        switched()
          ? `\nrebuild interrupted (${signal}) after its switch: the new read models are live; the next rebuild drops the previous ones\n`
          : `\nrebuild interrupted (${signal}): the previous read models stay live and the queue runs; run \`pnpm mirror rebuild\` again to start afresh\n`,
      );
      process.exit(code);
    });
  }
}

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
    .addOption(
      new Option('--pause-at <phase>', 'wait at this phase until the process is ended (for tests)')
        .choices(REBUILD_PHASES)
        .hideHelp(),
    )
    .action(async (options: { batchSize: string; pauseAt?: RebuildPhase }) => {
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
      let switched = false;
      exitOnSignal(() => switched);
      try {
        const report = await rebuildReadModels(prisma, {
          batchSize,
          onPhase: async (phase) => {
            if (phase === 'done') switched = true;
            const message = PHASE_MESSAGES[phase];
            if (message !== null) {
              if (barStarted) bar.stop();
              barStarted = false;
              process.stderr.write(`${message}\n`);
            }
            if (phase === options.pauseAt) await pauseUntilSignalled(phase);
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
