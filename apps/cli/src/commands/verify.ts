import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { formatDifference, runVerify, type VerifyRunResult } from '@mirror/verify';
import { withPrisma } from './stats';

/** Exit codes: 0 no difference, 1 differences found, 2 the run could not compare (or bad options). */
export const VERIFY_EXIT = { passed: 0, differences: 1, failed: 2 } as const;

/** The report of a run: every difference, one per line, then a summary. */
export function formatVerifyRun(run: VerifyRunResult): string {
  return [
    ...run.differences.map(formatDifference),
    `verify run ${run.id} (${run.mode}): ${run.status}`,
    `  customers checked ${run.customersChecked}${run.mode === 'all' ? `, events replayed ${run.events}` : ''}, ` +
      `differences ${run.differences.length}, ${(run.durationMs / 1000).toFixed(1)} s`,
    ...(run.error !== null ? [`  error: ${run.error}`] : []),
  ].join('\n');
}

function sampleSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`--sample takes a whole number of customers, at least 1 (got "${value}")`);
  }
  return n;
}

/** `pnpm mirror verify (--customer X... | --sample N | --all) [--json]`. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Recompute customers from the event store with the projections’ own merges and compare them ' +
        'with the read models, table by table and column by column, in one read-only snapshot (workers ' +
        'are not blocked). Prints each difference; exits 0 when there is none, 1 when there are ' +
        'differences, 2 when it could not compare (DATABASE_URL).',
    )
    .option(
      '--customer <sourceId>',
      'this customer (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--sample <n>', 'this many customers picked at random', sampleSize)
    .option('--all', 'every read model, from every event (global tables too: segments, coupons, referrals)')
    .option('--json', 'print the run as JSON')
    .action(async (options: { customer?: string[]; sample?: number; all?: boolean; json?: boolean }) => {
      const chosen = [options.customer, options.sample, options.all].filter((o) => o !== undefined);
      if (chosen.length !== 1) {
        process.stderr.write('mirror: verify needs exactly one of --customer, --sample <n>, --all\n');
        process.exitCode = VERIFY_EXIT.failed;
        return;
      }
      let run: VerifyRunResult;
      try {
        const env = parseEnv(process.env);
        const logger = createLogger('verify', env.LOG_LEVEL, process.stderr);
        run = await withPrisma(env, (prisma) =>
          runVerify({
            prisma,
            logger,
            trigger: 'cli',
            ...(options.customer !== undefined ? { customers: options.customer } : {}),
            ...(options.sample !== undefined ? { sample: options.sample } : {}),
            ...(options.all === true ? { all: true } : {}),
          }),
        );
      } catch (error) {
        // Could not compare at all (bad config, no database): 2, never the 1 of "differences".
        process.stderr.write(`mirror: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = VERIFY_EXIT.failed;
        return;
      }
      console.log(options.json ? JSON.stringify(run, null, 2) : formatVerifyRun(run));
      process.exitCode = VERIFY_EXIT[run.status];
    });
}
